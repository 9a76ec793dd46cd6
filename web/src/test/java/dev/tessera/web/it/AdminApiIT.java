package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API against a real Payara Micro and PostgreSQL: the happy paths, and every kind of bad
 * input answered with a 4xx problem+json that writes nothing.
 */
class AdminApiIT {
  static Platform platform;
  static Api operator;

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
  }

  @Test
  void creates_tenants_of_every_tier_and_lists_them_with_cursors() {
    Set<String> created = new HashSet<>();
    for (String tier : List.of("STANDARD", "PROFESSIONAL", "ENTERPRISE")) {
      String id = operator.createTenant(tier);
      created.add(id);
      JsonObject t = operator.get("/api/v1/tenants/" + id).json();
      assertThat(t.getString("tier")).isEqualTo(tier);
      assertThat(t.getString("status")).isEqualTo("ACTIVE");
    }
    Set<String> seen = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply r =
          operator.get("/api/v1/tenants?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(r.status()).isEqualTo(200);
      var data = r.json().getJsonArray("data");
      assertThat(data.size()).isLessThanOrEqualTo(2);
      data.forEach(v -> assertThat(seen.add(v.asJsonObject().getString("id"))).isTrue());
      cursor = r.json().containsKey("nextCursor") ? r.json().getString("nextCursor") : null;
      pages++;
    } while (cursor != null && pages < 1000);
    assertThat(seen).containsAll(created);
  }

  @Test
  void page_size_is_capped_and_validated() {
    for (int i = 0; i < 3; i++) {
      operator.createTenant("STANDARD");
    }
    Reply huge = operator.get("/api/v1/tenants?limit=100000");
    assertThat(huge.status()).isEqualTo(200);
    assertThat(huge.json().getJsonArray("data").size()).isLessThanOrEqualTo(100);
    assertProblem(operator.get("/api/v1/tenants?limit=0"), 400);
    assertProblem(operator.get("/api/v1/tenants?limit=abc"), 400);
    assertProblem(operator.get("/api/v1/tenants?cursor=not-a-cursor"), 400);
  }

  @Test
  void api_keys_are_shown_once_stored_hashed_and_revocable() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    String[] key = operator.createKey(tenant, "admin");
    assertThat(key[1]).startsWith("tsk_");
    Api asKey = operator.as(key[1]);
    Reply own = asKey.get("/api/v1/tenants/" + tenant);
    assertThat(own.status()).isEqualTo(200);
    assertThat(own.header("x-ratelimit-limit-requests")).isNotNull();
    assertThat(own.header("x-ratelimit-remaining-requests")).isNotNull();
    assertThat(own.header("x-ratelimit-reset-requests")).isNotNull();

    Reply listed = operator.get("/api/v1/tenants/" + tenant + "/api-keys");
    assertThat(listed.body()).doesNotContain(key[1]);
    try (Connection c = platform.superuser(Platform.DATABASE);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM api_keys WHERE encode(secret_hash, 'escape') LIKE '%tsk_%'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }

    assertThat(operator.delete("/api/v1/tenants/" + tenant + "/api-keys/" + key[0]).status())
        .isEqualTo(200);
    Thread.sleep(1100);
    assertProblem(asKey.get("/api/v1/tenants/" + tenant), 401);
  }

  @Test
  void an_expired_key_is_refused() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    Reply r =
        operator.post(
            "/api/v1/tenants/" + tenant + "/api-keys",
            "{\"name\":\"short\",\"scopes\":[\"admin\"],\"expiresAt\":\""
                + Instant.now().plusSeconds(2)
                + "\"}");
    assertThat(r.status()).isEqualTo(201);
    Api asKey = operator.as(r.json().getString("key"));
    assertThat(asKey.get("/api/v1/tenants/" + tenant).status()).isEqualTo(200);
    Thread.sleep(3200);
    assertProblem(asKey.get("/api/v1/tenants/" + tenant), 401);
  }

  @Test
  void another_tenants_ids_answer_404_not_403() {
    String mine = operator.createTenant("STANDARD");
    String theirs = operator.createTenant("PROFESSIONAL");
    String[] theirKey = operator.createKey(theirs, "admin");
    Api me = operator.as(operator.createKey(mine, "admin")[1]);
    assertProblem(me.get("/api/v1/tenants/" + theirs), 404);
    assertProblem(me.get("/api/v1/tenants/" + theirs + "/api-keys"), 404);
    assertProblem(me.get("/api/v1/tenants/" + theirs + "/users"), 404);
    assertProblem(me.delete("/api/v1/tenants/" + theirs + "/api-keys/" + theirKey[0]), 404);
    assertProblem(me.createUser(theirs, "x@example.com"), 404);
    // a key id of the other tenant under my own tenant's path: no such key here
    assertProblem(me.delete("/api/v1/tenants/" + mine + "/api-keys/" + theirKey[0]), 404);
    // the other tenant's key still works: nothing was revoked
    assertThat(operator.as(theirKey[1]).get("/api/v1/tenants/" + theirs).status()).isEqualTo(200);
    // and tenant keys cannot act as the operator
    assertProblem(me.get("/api/v1/tenants"), 403);
    assertProblem(me.post("/api/v1/tenants", "{\"slug\":\"nope-1\",\"name\":\"n\"}"), 403);
  }

  @Test
  void every_request_is_authenticated_by_the_bearer_mechanism_through_the_direct_bridge()
      throws Exception {
    // the mechanism is called through MechanismBridge, not Soteria's per-request JNDI lookup
    assertThat(platform.a.logText()).contains("WEB-0005").doesNotContain("WEB-0004");
    String tenant = operator.createTenant("STANDARD");
    String[] key = operator.createKey(tenant, "admin");
    String path = "/api/v1/tenants/" + tenant;

    assertThat(operator.as(key[1]).get(path).status()).isEqualTo(200);
    assertThat(operator.get(path).status()).isEqualTo(200);
    Reply none = operator.as(null).get(path);
    assertProblem(none, 401);
    assertThat(none.json().getString("detail")).contains("bearer token or API key is required");
    Reply scheme =
        operator.send(
            HttpRequest.newBuilder(URI.create(operator.base + path))
                .header("Authorization", "Basic " + key[1]));
    assertProblem(scheme, 401);
    assertThat(scheme.json().getString("detail")).contains("Authorization: Bearer");
    Reply wrong = operator.as(key[1] + "x").get(path);
    assertProblem(wrong, 401);
    assertThat(wrong.json().getString("detail")).contains("invalid, expired or revoked");
    // what one request established never leaks into the next on the same connection or thread
    for (int i = 0; i < 20; i++) {
      assertThat(operator.as(i % 2 == 0 ? key[1] : null).get(path).status())
          .isEqualTo(i % 2 == 0 ? 200 : 401);
    }
  }

  @Test
  void bad_input_is_a_4xx_problem_and_writes_nothing() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    long tenantsBefore = count("SELECT count(*) FROM platform.tenants");
    long usersBefore = count("SELECT count(*) FROM users");
    String t = "/api/v1/tenants";
    assertProblem(operator.post(t, "{\"slug\":"), 400);
    assertProblem(operator.post(t, "not json at all"), 400);
    assertProblem(operator.post(t, "[1,2,3]"), 400);
    assertProblem(operator.post(t, ""), 400);
    assertProblem(operator.post(t, "{\"slug\":\"ok-slug\",\"name\":\"n\",\"bogus\":true}"), 400);
    assertProblem(operator.post(t, "{\"slug\":\"ok-slug\",\"name\":\"n\",\"tier\":\"GOLD\"}"), 400);
    assertProblem(
        operator.post(
            t, "{\"slug\":\"ok-slug\",\"name\":\"n\",\"limits\":{\"requestsPerMinute\":\"many\"}}"),
        400);
    assertProblem(
        operator.post(
            t, "{\"slug\":\"ok-slug\",\"name\":\"n\",\"limits\":{\"requestsPerMinute\":-5}}"),
        400);
    assertProblem(operator.post(t, "{\"slug\":\"Not A Slug\",\"name\":\"n\"}"), 400);
    assertProblem(operator.post(t, "{\"slug\":\"ok-slug\"}"), 400);
    assertProblem(operator.createUser(tenant, "not-an-email"), 400);
    assertProblem(
        operator.post(
            t + "/" + tenant + "/users",
            "{\"email\":\"a@b.example\",\"displayName\":\"A\",\"password\":\"short\",\"roles\":[\"DEVELOPER\"]}"),
        400);
    assertProblem(
        operator.post(
            t + "/" + tenant + "/users",
            "{\"email\":\"a@b.example\",\"displayName\":\"A\",\"password\":\"long enough pass\",\"roles\":[\"KING\"]}"),
        400);
    assertProblem(
        operator.post(t + "/" + tenant + "/api-keys", "{\"name\":\"k\",\"scopes\":[\"root\"]}"),
        400);
    assertProblem(
        operator.post(
            t + "/" + tenant + "/api-keys",
            "{\"name\":\"k\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}"),
        400);
    assertProblem(operator.post(t + "/" + tenant + "/tier", "{\"tier\":\"PLATINUM\"}"), 400);
    assertProblem(operator.post(t + "/" + tenant + "/tier", "{}"), 400);
    // wrong media type and unknown routes are problems too
    assertProblem(
        operator.send(
            operator
                .request(t)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("slug=x"))),
        415);
    assertProblem(operator.get("/api/v1/nothing-here"), 404);
    assertProblem(
        operator.send(operator.request(t + "/" + tenant).PUT(HttpRequest.BodyPublishers.noBody())),
        405);
    // unknown and malformed tenant ids
    assertProblem(operator.get(t + "/" + UUID.randomUUID()), 404);
    assertProblem(operator.get(t + "/not-a-uuid"), 404);
    assertProblem(operator.get(t + "/" + UUID.randomUUID() + "/api-keys"), 404);
    // credentials
    assertProblem(operator.as(null).get(t), 401);
    assertProblem(operator.as("wrong").get(t), 401);
    assertProblem(operator.as("tsk_AAAAAAAAAAAAAAAAAAAAAA_" + "A".repeat(43)).get(t), 401);
    // duplicates
    Reply dupe = operator.createUser(tenant, "dup@example.com");
    assertThat(dupe.status()).isEqualTo(201);
    assertProblem(operator.createUser(tenant, "DUP@example.com"), 409);

    assertThat(count("SELECT count(*) FROM platform.tenants")).isEqualTo(tenantsBefore);
    assertThat(count("SELECT count(*) FROM users")).isEqualTo(usersBefore + 1);
  }

  @Test
  void oversized_bodies_are_refused_with_413_declared_or_chunked() throws Exception {
    long before = count("SELECT count(*) FROM platform.tenants");
    byte[] body =
        ("{\"slug\":\"big-one\",\"name\":\"" + "x".repeat(1_100_000) + "\"}")
            .getBytes(StandardCharsets.US_ASCII);
    // declared: refused from the header alone, before the body is read
    assertThat(rawPost(body, false)).startsWith("HTTP/1.1 413");
    // streamed without a length (chunked): refused once the limit is crossed while reading
    assertThat(rawPost(body, true)).startsWith("HTTP/1.1 413");
    assertThat(count("SELECT count(*) FROM platform.tenants")).isEqualTo(before);
  }

  /**
   * Sends a POST over a plain socket, writing the body on another thread (the server may answer and
   * close before it has read it all), and returns the status line and headers received.
   */
  private static String rawPost(byte[] body, boolean chunked) throws Exception {
    URI base = URI.create(operator.base);
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /api/v1/tenants HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
              + operator.token
              + "\r\nContent-Type: application/json\r\n"
              + (chunked
                  ? "Transfer-Encoding: chunked\r\n"
                  : "Content-Length: " + body.length + "\r\n")
              + "\r\n";
      Thread writer =
          new Thread(
              () -> {
                try {
                  out.write(head.getBytes(StandardCharsets.US_ASCII));
                  for (int off = 0; off < body.length; off += 8192) {
                    int len = Math.min(8192, body.length - off);
                    if (chunked) {
                      out.write(
                          (Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    out.write(body, off, len);
                    if (chunked) {
                      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                  }
                  if (chunked) {
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                  }
                  out.flush();
                } catch (IOException closedByServer) {
                  // expected once the server has answered
                }
              });
      writer.setDaemon(true);
      writer.start();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      StringBuilder response = new StringBuilder();
      for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
        response.append(line).append('\n');
      }
      assertThat(response.toString().toLowerCase())
          .contains("content-type: application/problem+json");
      return response.toString();
    }
  }

  @Test
  void delete_suspends_then_purges_after_the_grace_period() throws Exception {
    String tenant = operator.createTenant("PROFESSIONAL");
    String[] key = operator.createKey(tenant, "admin");
    assertThat(operator.createUser(tenant, "gone@example.com").status()).isEqualTo(201);
    Reply deleted = operator.delete("/api/v1/tenants/" + tenant);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().getString("status")).isEqualTo("SUSPENDED");
    Thread.sleep(1100);
    assertProblem(operator.as(key[1]).get("/api/v1/tenants/" + tenant), 401);
    // grace is 2 s and the purge runs every 2 s in the test configuration
    long deadline = System.currentTimeMillis() + 30_000;
    while (operator.get("/api/v1/tenants/" + tenant).status() != 404
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(500);
    }
    assertProblem(operator.get("/api/v1/tenants/" + tenant), 404);
    assertThat(
            count(
                "SELECT count(*) FROM pg_database WHERE datname = 'tessera_t_"
                    + tenant.replace("-", "")
                    + "'"))
        .isZero();
  }

  @Test
  void health_openapi_and_metrics_answer() {
    Api anon = operator.as(null);
    Reply ready = anon.get("/health/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.body()).contains("\"UP\"");
    Reply openapi = anon.get("/openapi");
    assertThat(openapi.status()).isEqualTo(200);
    assertThat(openapi.body()).contains("/api/v1/tenants");
    String tenant = operator.createTenant("STANDARD");
    operator.as(operator.createKey(tenant, "admin")[1]).get("/api/v1/tenants/" + tenant);
    Reply metrics = anon.get("/metrics?scope=application");
    assertThat(metrics.body())
        .contains("tessera_http_request_duration_seconds_bucket")
        .contains("le=\"0.005\"")
        .contains("endpoint=\"GET /api/v1/tenants/{tenantId}\"")
        .contains("tenant=\"" + tenant + "\"");
  }

  static void assertProblem(Reply r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).as(r.toString()).startsWith("application/problem+json");
    JsonObject p = r.json();
    assertThat(p.getInt("status")).isEqualTo(status);
    assertThat(p.getString("title")).isNotBlank();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  static long count(String sql) throws Exception {
    try (Connection c = platform.superuser(Platform.DATABASE);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}

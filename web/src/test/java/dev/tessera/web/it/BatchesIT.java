package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batch jobs end to end: submitted on node A (which runs no workers), run by a worker node of this
 * test against the offline model and WireMock providers, retried and dead-lettered, isolated per
 * tenant, and surviving a kill -9 of the worker that held them.
 */
class BatchesIT {
  static Platform platform;
  static Api operator;
  static WireMockServer upstream;
  static Node worker;
  static final List<String> providers = new ArrayList<>();

  static final String QUESTION =
      "{\"model\":\"local-extractive\",\"messages\":["
          + "{\"role\":\"system\",\"content\":\"Refunds are accepted within 30 days of purchase. "
          + "Shipping to Norway takes five business days.\"},"
          + "{\"role\":\"user\",\"content\":\"%s\"}]}";

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Slow hello\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    worker = startWorker("node-batches");
  }

  @AfterAll
  static void stop() {
    for (String id : providers) {
      operator.delete("/api/v1/providers/" + id);
    }
    if (worker != null) {
      worker.close();
    }
    upstream.stop();
  }

  static Node startWorker(String name) throws Exception {
    Node n = new Node(name, Settings.WORK);
    // the platform's settings, its master key ring included: instances of one deployment share it
    java.util.Map<String, String> env = platform.env();
    n.start(env, List.of());
    n.awaitReady(Duration.ofMinutes(8));
    return n;
  }

  /** A tenant with credits: the test models are priced, so their calls are held and settled. */
  static String tenantWithCredits() {
    String tenant = operator.createTenant("STANDARD");
    Reply granted =
        operator.post(
            "/api/v1/tenants/" + tenant + "/credits",
            "{\"type\":\"GRANT\",\"amount\":1000000000,\"reason\":\"batch tests\"}");
    assertThat(granted.status()).as(granted.toString()).isEqualTo(201);
    return tenant;
  }

  static Api developer(String tenant) {
    return operator.as(operator.createKey(tenant, "inference")[1]);
  }

  static String batchOf(String webhook, String... lines) {
    StringBuilder b = new StringBuilder("{\"endpoint\":\"/v1/chat/completions\",");
    if (webhook != null) {
      b.append("\"webhook_url\":\"").append(webhook).append("\",");
    }
    b.append("\"metadata\":{\"suite\":\"it\"},\"requests\":[");
    for (int i = 0; i < lines.length; i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"custom_id\":\"line-")
          .append(i)
          .append("\",\"body\":")
          .append(lines[i])
          .append('}');
    }
    return b.append("]}").toString();
  }

  /** Polls the job until {@code done} holds (the only wait; nothing asserts how long it took). */
  static JsonObject await(Api dev, String id, Predicate<JsonObject> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    JsonObject job = null;
    while (System.nanoTime() < deadline) {
      Reply r = dev.get("/v1/batches/" + id);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      job = r.json();
      if (done.test(job)) {
        return job;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("batch did not get there: " + job + "\n" + worker.tail());
  }

  static List<JsonObject> results(Api dev, String id) {
    Reply r = dev.get("/v1/batches/" + id + "/results");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<JsonObject> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        try (var reader = Json.createReader(new StringReader(line))) {
          out.add(reader.readObject());
        }
      }
    }
    return out;
  }

  /** Registers a provider (no credential: the worker node has its own master key) and a model. */
  static String model(String path) {
    Reply p =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"batch-"
                + System.nanoTime()
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + path
                + "\"}");
    assertThat(p.status()).as(p.toString()).isEqualTo(201);
    providers.add(p.json().getString("id"));
    String model = "batch-model-" + System.nanoTime();
    Reply m =
        operator.post(
            "/api/v1/models",
            "{\"name\":\""
                + model
                + "\",\"providerId\":\""
                + p.json().getString("id")
                + "\",\"upstreamName\":\"up\",\"tier\":1,\"inputPricePerMillion\":1,"
                + "\"outputPricePerMillion\":1}");
    assertThat(m.status()).as(m.toString()).isEqualTo(201);
    return model;
  }

  /** Waits until the worker's catalog (refreshed every few seconds) knows a model added on A. */
  static void awaitModelOnWorker(Api dev, String model) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!dev.on(worker).get("/v1/models").body().contains("\"" + model + "\"")) {
      assertThat(System.nanoTime()).as("worker never listed " + model).isLessThan(until);
      Thread.sleep(200);
    }
  }

  /** A tenant that never falls back, so a failing provider's failures reach the batch. */
  static String tenantWithoutFallback() {
    String tenant = tenantWithCredits();
    Reply policy =
        operator.send(
            operator
                .request("/api/v1/tenants/" + tenant + "/routing-policy")
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"fallback\":\"NONE\"}")));
    assertThat(policy.status()).as(policy.toString()).isEqualTo(200);
    return tenant;
  }

  static long single(String sql, String param) throws Exception {
    try (Connection c = platform.superuser(Platform.DATABASE);
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, param);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static String uuidOf(String batchId) {
    String h = batchId.substring("batch_".length());
    return h.substring(0, 8)
        + "-"
        + h.substring(8, 12)
        + "-"
        + h.substring(12, 16)
        + "-"
        + h.substring(16, 20)
        + "-"
        + h.substring(20);
  }

  @Test
  void a_batch_on_the_offline_model_completes_answers_every_line_and_calls_its_webhook()
      throws Exception {
    upstream.stubFor(post(urlEqualTo("/hooks/done")).willReturn(aResponse().withStatus(204)));
    String tenant = tenantWithCredits();
    Api dev = developer(tenant);
    // a rotated secret: for a day both the old and the new one sign
    String secrets = "/api/v1/tenants/" + tenant + "/webhook-secret";
    String old = operator.get(secrets).json().getString("secret");
    String fresh = operator.post(secrets + "/rotate", "{}").json().getString("secret");
    assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);
    Reply submitted =
        dev.post(
            "/v1/batches",
            batchOf(
                upstream.baseUrl() + "/hooks/done",
                QUESTION.formatted("How many days do I have for a refund?"),
                QUESTION.formatted("How long does shipping to Norway take?"),
                QUESTION.formatted("Refund window?")));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    JsonObject job = submitted.json();
    String id = job.getString("id");
    assertThat(id).startsWith("batch_");
    assertThat(job.getString("object")).isEqualTo("batch");
    assertThat(job.getString("status")).isEqualTo("in_progress");
    assertThat(job.getJsonObject("request_counts").getInt("total")).isEqualTo(3);
    assertThat(submitted.header("location")).endsWith("/v1/batches/" + id);

    JsonObject done = await(dev, id, j -> !j.getString("status").equals("in_progress"));
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getJsonObject("request_counts").getInt("completed")).isEqualTo(3);
    assertThat(done.getJsonObject("request_counts").getInt("failed")).isZero();
    assertThat(done.getJsonObject("metadata").getString("suite")).isEqualTo("it");
    assertThat(done.getJsonNumber("completed_at")).isNotNull();

    List<JsonObject> lines = results(dev, id);
    assertThat(lines)
        .extracting(l -> l.getString("custom_id"))
        .containsExactly("line-0", "line-1", "line-2");
    JsonObject first = lines.get(0).getJsonObject("response");
    assertThat(first.getInt("status_code")).isEqualTo(200);
    JsonObject body = first.getJsonObject("body");
    assertThat(body.getString("object")).isEqualTo("chat.completion");
    assertThat(body.getString("model")).isEqualTo("local-extractive");
    assertThat(
            body.getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .contains("30 days");
    assertThat(lines.get(1).toString()).contains("five business days");

    Reply list = dev.get("/v1/batches?limit=10");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().getString("object")).isEqualTo("list");
    assertThat(list.json().getString("first_id")).isEqualTo(id);

    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (upstream.findAll(postRequestedFor(urlEqualTo("/hooks/done"))).isEmpty()
        && System.nanoTime() < until) {
      Thread.sleep(200);
    }
    upstream.verify(
        postRequestedFor(urlEqualTo("/hooks/done"))
            .withRequestBody(
                matchingJsonPath(
                    "$.id", com.github.tomakehurst.wiremock.client.WireMock.equalTo(id)))
            .withRequestBody(
                matchingJsonPath(
                    "$.status",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("completed"))));
    var hook = upstream.findAll(postRequestedFor(urlEqualTo("/hooks/done"))).get(0);
    assertThat(WebhookSignatures.verified(hook, fresh)).isTrue();
    assertThat(WebhookSignatures.verified(hook, old)).isTrue();
    assertThat(WebhookSignatures.verified(hook, "whsec_" + "A".repeat(44))).isFalse();
  }

  @Test
  void another_tenants_batch_is_not_found() {
    Api owner = developer(tenantWithCredits());
    Reply submitted = owner.post("/v1/batches", batchOf(null, QUESTION.formatted("Refunds?")));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    String id = submitted.json().getString("id");
    Api stranger = developer(tenantWithCredits());
    for (Reply r :
        List.of(
            stranger.get("/v1/batches/" + id),
            stranger.get("/v1/batches/" + id + "/results"),
            stranger.post("/v1/batches/" + id + "/cancel", ""))) {
      assertThat(r.status()).as(r.toString()).isEqualTo(404);
      assertThat(r.json().getJsonObject("error").getString("type"))
          .isEqualTo("invalid_request_error");
    }
    assertThat(stranger.get("/v1/batches").json().getJsonArray("data")).isEmpty();
    assertThat(stranger.get("/v1/batches/batch_nonsense").status()).isEqualTo(404);
  }

  @Test
  void bad_input_is_a_400_naming_the_field_and_writes_nothing() throws Exception {
    String tenant = tenantWithCredits();
    Api dev = developer(tenant);
    String good = QUESTION.formatted("Refunds?");
    StringBuilder tooMany = new StringBuilder("{\"requests\":[");
    for (int i = 0; i <= 1000; i++) {
      tooMany
          .append(i == 0 ? "" : ",")
          .append("{\"custom_id\":\"c")
          .append(i)
          .append("\",\"body\":{}}");
    }
    tooMany.append("]}");
    List<String[]> cases =
        List.of(
            new String[] {"not json", "body"},
            new String[] {"{}", "requests"},
            new String[] {"{\"requests\":[]}", "requests"},
            new String[] {
              batchOf(null, good, "{\"model\":\"local-extractive\"}"), "requests[1].body.messages"
            },
            new String[] {batchOf(null, good).replace("line-0", ""), "requests[0].custom_id"},
            new String[] {
              "{\"endpoint\":\"/v1/embeddings\",\"requests\":[{\"custom_id\":\"a\",\"body\":"
                  + good
                  + "}]}",
              "endpoint"
            },
            new String[] {batchOf("file:///etc/passwd", good), "webhook_url"},
            // the cloud metadata service and the private network are never webhook targets
            new String[] {batchOf("http://169.254.169.254/latest/meta-data/", good), "webhook_url"},
            new String[] {batchOf("http://10.0.0.1:8080/hook", good), "webhook_url"},
            new String[] {batchOf("http://[fd00::1]/hook", good), "webhook_url"},
            new String[] {
              batchOf(null, good.replace("]}", "],\"stream\":true}")), "requests[0].body.stream"
            },
            new String[] {tooMany.toString(), "requests"});
    for (String[] c : cases) {
      Reply r = dev.post("/v1/batches", c[0]);
      assertThat(r.status()).as(c[1] + ": " + r).isEqualTo(400);
      JsonObject error = r.json().getJsonObject("error");
      assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      assertThat(error.getString("param")).as(r.toString()).isEqualTo(c[1]);
    }
    assertThat(single("SELECT count(*) FROM public.batches WHERE tenant_id = ?::uuid", tenant))
        .isZero();
    assertThat(single("SELECT count(*) FROM public.batch_lines WHERE tenant_id = ?::uuid", tenant))
        .isZero();
    assertThat(
            single("SELECT count(*) FROM platform.batch_queue WHERE tenant_id = ?::uuid", tenant))
        .isZero();
  }

  @Test
  void failing_lines_are_retried_with_backoff_then_dead_lettered() throws Exception {
    upstream.stubFor(
        post(urlEqualTo("/failing/v1/chat/completions"))
            .willReturn(
                aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"down\"}}")));
    String model = model("/failing/v1");
    Api dev = developer(tenantWithoutFallback());
    awaitModelOnWorker(dev, model);
    String line =
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    Reply submitted = dev.post("/v1/batches", batchOf(null, line, line));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    String id = submitted.json().getString("id");

    JsonObject done = await(dev, id, j -> !j.getString("status").equals("in_progress"));
    assertThat(done.getString("status")).isEqualTo("failed");
    assertThat(done.getJsonObject("errors").getJsonArray("data").getJsonObject(0).getString("code"))
        .isEqualTo("retries_exhausted");
    assertThat(done.getJsonObject("request_counts").getInt("failed")).isEqualTo(2);
    List<JsonObject> lines = results(dev, id);
    assertThat(lines).hasSize(2);
    for (JsonObject l : lines) {
      assertThat(l.isNull("response")).isTrue();
      assertThat(l.getJsonObject("error").getString("code")).isEqualTo("retries_exhausted");
      assertThat(l.getJsonObject("error").getString("message")).contains("upstream_error");
    }
    // three claims (TESSERA_BATCHES_MAX_ATTEMPTS), each trying every line, then the dead letter
    assertThat(
            single("SELECT attempts FROM platform.batch_queue WHERE job_id = ?::uuid", uuidOf(id)))
        .isEqualTo(3);
    assertThat(
            single(
                "SELECT count(*) FROM platform.batch_queue WHERE status = 'dead' AND job_id = ?::uuid",
                uuidOf(id)))
        .isEqualTo(1);
    assertThat(
            single(
                "SELECT min(attempts) FROM public.batch_lines WHERE batch_id = ?::uuid",
                uuidOf(id)))
        .isEqualTo(3);
    assertThat(upstream.findAll(postRequestedFor(urlEqualTo("/failing/v1/chat/completions"))))
        .isNotEmpty();
  }

  @Test
  void revoking_the_key_stops_its_batch_within_a_second_and_charges_nothing_more()
      throws Exception {
    upstream.stubFor(
        post(urlEqualTo("/revoked/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(COMPLETION)
                    .withFixedDelay(700)));
    String model = model("/revoked/v1");
    String tenant = tenantWithoutFallback();
    String[] key = operator.createKey(tenant, "inference");
    Api dev = operator.as(key[1]);
    awaitModelOnWorker(dev, model);
    String line =
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    String[] lines = new String[40];
    java.util.Arrays.fill(lines, line);
    Reply submitted = dev.post("/v1/batches", batchOf(null, lines));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    String id = submitted.json().getString("id");
    String job = uuidOf(id);
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (single(
                "SELECT count(*) FROM public.batch_lines WHERE batch_id = ?::uuid AND status <> 'pending'",
                job)
            == 0
        && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    Reply revoked = operator.delete("/api/v1/tenants/" + tenant + "/api-keys/" + key[0]);
    assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
    long revokedAt = System.currentTimeMillis();

    Api reader = operator.as(operator.createKey(tenant, "inference")[1]);
    JsonObject done = await(reader, id, j -> !j.getString("status").equals("in_progress"));
    assertThat(done.getString("status")).isEqualTo("cancelled");
    assertThat(done.getJsonObject("errors").toString()).contains("api_key_revoked");
    int completed = done.getJsonObject("request_counts").getInt("completed");
    assertThat(completed).as("lines answered before the revocation took hold").isLessThan(40);
    // no line was sent to the provider once the revocation had reached every instance (1 s)
    long lastStarted =
        upstream.getAllServeEvents().stream()
            .filter(e -> e.getRequest().getUrl().equals("/revoked/v1/chat/completions"))
            .mapToLong(e -> e.getRequest().getLoggedDate().getTime())
            .max()
            .orElseThrow();
    assertThat(lastStarted - revokedAt)
        .as("ms from revocation to the last line sent")
        .isLessThan(1_500);
    // nothing charged for the lines that did not run, nothing left held
    assertThat(
            single(
                "SELECT count(*) FROM public.credit_events WHERE tenant_id = ?::uuid AND type = 'SETTLE'",
                tenant))
        .isEqualTo(completed);
    Thread.sleep(1_000);
    assertThat(
            single(
                "SELECT count(*) FROM public.credit_reservations WHERE tenant_id = ?::uuid AND status = 'OPEN'",
                tenant))
        .isZero();
  }

  @Test
  void async_jobs_survive_a_kill_and_restart_of_the_platform() throws Exception {
    upstream.stubFor(
        post(urlEqualTo("/slow/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(COMPLETION)
                    .withFixedDelay(3000)));
    String model = model("/slow/v1");
    Api dev = developer(tenantWithoutFallback());
    awaitModelOnWorker(dev, model);
    String line =
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    String[] lines = new String[8];
    java.util.Arrays.fill(lines, line);
    Reply submitted = dev.post("/v1/batches", batchOf(null, lines));
    assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
    String id = submitted.json().getString("id");
    String job = uuidOf(id);

    // mid-batch: the worker holds the lease and has answered some lines, not all
    long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (single(
                "SELECT count(*) FROM public.batch_lines WHERE batch_id = ?::uuid AND status <> 'pending'",
                job)
            == 0
        && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    worker.kill();
    long pendingAtKill =
        single(
            "SELECT count(*) FROM public.batch_lines WHERE batch_id = ?::uuid AND status = 'pending'",
            job);
    assertThat(pendingAtKill).as("lines left when the worker died").isPositive();
    assertThat(
            single(
                "SELECT count(*) FROM platform.batch_queue WHERE job_id = ?::uuid AND status = 'running'",
                job))
        .as("the dead worker's lease is still on the job")
        .isEqualTo(1);

    // restart: a new instance takes the job over once the dead one's lease has expired
    worker.close();
    worker = startWorker("node-batches-restarted");
    JsonObject done = await(dev, id, j -> !j.getString("status").equals("in_progress"));
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getJsonObject("request_counts").getInt("completed")).isEqualTo(8);

    List<JsonObject> results = results(dev, id);
    Set<String> answered = new HashSet<>();
    for (JsonObject r : results) {
      assertThat(answered.add(r.getString("custom_id"))).as("answered once: " + r).isTrue();
      assertThat(r.getJsonObject("response").getInt("status_code")).isEqualTo(200);
    }
    assertThat(answered).hasSize(8);
    assertThat(single("SELECT attempts FROM platform.batch_queue WHERE job_id = ?::uuid", job))
        .as("claimed again after the kill")
        .isGreaterThanOrEqualTo(2);
  }
}

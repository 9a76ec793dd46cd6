package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The credit ledger over real HTTP, PostgreSQL and a WireMock provider: a priced call holds, then
 * settles exactly once at the right price; short credits and hard budgets refuse before any
 * provider is called; fallback pricing; movements with reasons, idempotent; reports; bad input.
 */
class BillingIT {
  static Platform platform;
  static Api operator;
  static WireMockServer upstream;
  static LedgerFixture ledger;

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    ledger = new LedgerFixture(platform, upstream);
  }

  @AfterAll
  static void stop() {
    ledger.removeModels();
    upstream.stop();
  }

  static Api developer(String tenant) {
    return operator.as(operator.createKey(tenant, "inference")[1]);
  }

  @Test
  void a_priced_call_holds_its_worst_case_then_settles_once_at_the_models_price() throws Exception {
    // 1 micro-credit per input token, 2 per output token; the upstream reports 9 in, 3 out
    String model =
        ledger.pricedModel(
            "settle-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    assertThat(ledger.grant(tenant, 1_000, null).status()).isEqualTo(201);
    Reply r = developer(tenant).post("/v1/chat/completions", LedgerFixture.ask(model, 10));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    String requestId = r.header("x-request-id");

    assertThat(ledger.balance(tenant)).containsExactly(1_000 - 15, 0);
    List<String> events = ledger.eventsOf(tenant, requestId);
    assertThat(events).filteredOn(e -> e.startsWith("SETTLE")).containsExactly("SETTLE:15");
    assertThat(events).filteredOn(e -> e.startsWith("RESERVE")).hasSize(1);
    // the hold was the worst case (input estimate + max_tokens at the output price), the rest
    // came back
    long held =
        Long.parseLong(
            events.stream()
                .filter(e -> e.startsWith("RESERVE"))
                .findFirst()
                .orElseThrow()
                .substring(8));
    assertThat(held).isGreaterThanOrEqualTo(9 + 10 * 2);
    assertThat(events).contains("RELEASE:" + (held - 15));
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void a_streamed_priced_call_settles_once_from_the_final_usage() throws Exception {
    String path = "stream-" + LedgerFixture.unique();
    String sse =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"up\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":4,\"total_tokens\":24}}\n\n"
            + "data: [DONE]\n\n";
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(aResponse().withHeader("Content-Type", "text/event-stream").withBody(sse)));
    String model = ledger.model(path, 1, 1_000_000, 2_000_000);
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000, null);
    Reply r =
        developer(tenant)
            .post(
                "/v1/chat/completions",
                "{\"model\":\""
                    + model
                    + "\",\"stream\":true,\"max_tokens\":50,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body()).contains("Hel").contains("[DONE]");
    // the provider's final usage: 20 in at 1, 4 out at 2
    assertThat(ledger.eventsOf(tenant, r.header("x-request-id")))
        .filteredOn(e -> e.startsWith("SETTLE"))
        .containsExactly("SETTLE:28");
    assertThat(ledger.balance(tenant)).containsExactly(1_000 - 28, 0);
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void a_stream_the_client_abandons_is_charged_for_what_was_produced_and_no_more()
      throws Exception {
    String path = "abandon-" + LedgerFixture.unique();
    StringBuilder sse = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sse.append(
              "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                  + "\"model\":\"up\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
          .append("word")
          .append(i)
          .append(" ")
          .append("\"}}]}\n\n");
    }
    sse.append("data: [DONE]\n\n");
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(sse.toString())
                    .withChunkedDribbleDelay(40, 8_000)));
    String model = ledger.model(path, 1, 1_000_000, 2_000_000);
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 100_000, null);
    String key = operator.createKey(tenant, "inference")[1];
    String body =
        "{\"model\":\""
            + model
            + "\",\"stream\":true,\"max_tokens\":1000,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Talk\"}]}";
    String requestId;
    // a plain socket, so hanging up is unambiguous: read the first events, then close it
    java.net.URI base = java.net.URI.create(operator.base);
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", base.getPort())) {
      socket
          .getOutputStream()
          .write(
              ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      + "Authorization: Bearer "
                      + key
                      + "\r\nContent-Type: application/json\r\nContent-Length: "
                      + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                      + "\r\n\r\n"
                      + body)
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      long t0 = System.nanoTime();
      java.io.InputStream in = socket.getInputStream();
      StringBuilder seen = new StringBuilder();
      byte[] buffer = new byte[512];
      while (!seen.toString().contains("word1 ")) {
        int n = in.read(buffer);
        assertThat(n).as(seen.toString()).isPositive();
        seen.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
      }
      // the first events arrive as they are produced, long before the 8 s stream ends
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(4));
      assertThat(seen.toString()).startsWith("HTTP/1.1 200");
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("(?i)x-request-id: (\\S+)").matcher(seen);
      assertThat(m.find()).isTrue();
      requestId = m.group(1);
    }
    long until = System.currentTimeMillis() + 30_000;
    while (ledger.eventsOf(tenant, requestId).stream().noneMatch(e -> e.startsWith("SETTLE"))
        && System.currentTimeMillis() < until) {
      Thread.sleep(100);
    }
    List<String> events = ledger.eventsOf(tenant, requestId);
    long charged =
        Long.parseLong(
            events.stream()
                .filter(e -> e.startsWith("SETTLE"))
                .findFirst()
                .orElseThrow()
                .substring(7));
    // what was produced before the hang-up is charged: more than nothing, less than half of the
    // whole stream (270 characters, ~68 tokens at 2 = 136 plus the prompt), and far from the
    // 1,000-token hold, which is released
    assertThat(charged).as(events.toString()).isPositive().isLessThan(100);
    assertThat(events).anyMatch(e -> e.startsWith("RELEASE"));
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void auto_stops_escalating_when_the_credits_run_low() throws Exception {
    // a structured answer escalates auto to T1; this T1 model is the cheapest there (1 per 1M
    // tokens in and out), and the offline T0 model can do JSON too
    String path = "budget-aware-" + LedgerFixture.unique();
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        LedgerFixture.completion(9, 3)
                            .replace("Paid answer", "{\\\"answer\\\":\\\"paid\\\"}"))));
    String model = ledger.model(path, 1, 1, 1, "json");
    String ask =
        "{\"model\":\"auto\",\"max_tokens\":100,\"response_format\":{\"type\":\"json_schema\","
            + "\"json_schema\":{\"name\":\"a\",\"schema\":{\"type\":\"object\",\"properties\":"
            + "{\"answer\":{\"type\":\"string\"}},\"required\":[\"answer\"]}}},"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"The answer is paid.\"},"
            + "{\"role\":\"user\",\"content\":\"What is the answer?\"}]}";

    String rich = operator.createTenant("STANDARD");
    ledger.grant(rich, 1_000_000_000, null);
    Reply r = developer(rich).post("/v1/chat/completions", ask);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-model")).isEqualTo(model);
    assertThat(r.header("x-tessera-route")).isEqualTo("primary");

    // one worst-case call (~120 tokens at 1 per 1M, rounded up: 1 micro-credit) is covered, but
    // not the 50 the headroom asks for: auto takes the cheapest model that can answer instead
    String poor = operator.createTenant("STANDARD");
    ledger.grant(poor, 10, null);
    Reply cheap = developer(poor).post("/v1/chat/completions", ask);
    assertThat(cheap.status()).as(cheap.toString()).isEqualTo(200);
    assertThat(cheap.header("x-tessera-model")).isEqualTo("local-extractive");
    assertThat(cheap.header("x-tessera-route")).isEqualTo("budget");
    // an explicit model is still honoured (and charged) as asked
    Reply explicit =
        developer(poor).post("/v1/chat/completions", ask.replace("\"auto\"", "\"" + model + "\""));
    assertThat(explicit.status()).as(explicit.toString()).isEqualTo(200);
    assertThat(explicit.header("x-tessera-model")).isEqualTo(model);
  }

  @Test
  void short_credits_answer_402_before_any_provider_is_called_and_leave_nothing_held()
      throws Exception {
    String path = "short-" + LedgerFixture.unique();
    String model =
        ledger.pricedModel(path, 1, 1_000_000, 2_000_000, LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    assertThat(ledger.grant(tenant, 5, null).status()).isEqualTo(201);
    Reply r = developer(tenant).post("/v1/chat/completions", LedgerFixture.ask(model, 10));
    assertThat(r.status()).as(r.toString()).isEqualTo(402);
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("insufficient_quota");
    assertThat(error.getString("type")).isEqualTo("insufficient_quota");
    upstream.verify(0, postRequestedFor(urlEqualTo("/" + path + "/v1/chat/completions")));
    assertThat(ledger.balance(tenant)).containsExactly(5, 0);
    ledger.assertInvariants(tenant, true);

    // the built-in models cost nothing: still answered, and still recorded
    Reply free =
        developer(tenant)
            .post(
                "/v1/chat/completions",
                "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(free.status()).as(free.toString()).isEqualTo(200);
    // recorded off the request path, within moments
    long until = System.currentTimeMillis() + 10_000;
    while (ledger.eventsOf(tenant, free.header("x-request-id")).isEmpty()
        && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertThat(ledger.eventsOf(tenant, free.header("x-request-id"))).containsExactly("SETTLE:0");
  }

  @Test
  void a_cheaper_fallback_is_charged_its_own_price_and_a_dearer_one_the_requested_price()
      throws Exception {
    String u = LedgerFixture.unique();
    // tier 3: the same tier as nothing else, so each pair is the other's only equivalent
    String broken = "broken-" + u;
    upstream.stubFor(
        post(urlEqualTo("/" + broken + "/v1/chat/completions"))
            .willReturn(
                aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"down\"}}")));
    String dear = ledger.model(broken, 3, 10_000_000, 10_000_000);
    String cheap =
        ledger.pricedModel("cheap-" + u, 3, 1_000_000, 1_000_000, LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("ENTERPRISE");
    ledger.grant(tenant, 1_000_000, null);
    Api dev = developer(tenant);
    Reply r =
        dev.send(
            dev.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("x-tessera-fallback", "equivalent")
                .POST(HttpRequest.BodyPublishers.ofString(LedgerFixture.ask(dear, 10))));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-model")).isEqualTo(cheap);
    assertThat(r.header("x-tessera-route")).isEqualTo("fallback");
    // served by the cheap model: 9 + 3 at 1 per token, not the requested model's 120
    assertThat(ledger.eventsOf(tenant, r.header("x-request-id")))
        .filteredOn(e -> e.startsWith("SETTLE"))
        .containsExactly("SETTLE:12");
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void a_hard_budget_refuses_what_would_cross_it_and_a_soft_one_alerts_its_webhook()
      throws Exception {
    String model =
        ledger.pricedModel(
            "budget-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000_000, null);
    String[] key = operator.createKey(tenant, "inference", "admin");
    Api admin = operator.as(key[1]);
    String hook = "/hooks/" + LedgerFixture.unique();
    upstream.stubFor(post(urlEqualTo(hook)).willReturn(aResponse().withStatus(204)));
    // soft on the key: 20 micro-credits a day, alert at 50% and 100%
    Reply soft =
        admin.post(
            "/api/v1/tenants/" + tenant + "/budgets",
            "{\"scope\":\"KEY\",\"scopeValue\":\""
                + key[0]
                + "\",\"period\":\"DAILY\",\"limit\":20,\"enforcement\":\"SOFT\","
                + "\"alertThresholds\":[50,100],\"webhookUrl\":\""
                + upstream.baseUrl()
                + hook
                + "\"}");
    assertThat(soft.status()).as(soft.toString()).isEqualTo(201);
    // hard on a workflow tag: room for one call's worst case (its input, under 15 tokens, plus
    // 100 output tokens at 2), not for a second one once the first has spent 15
    Reply hard =
        admin.post(
            "/api/v1/tenants/" + tenant + "/budgets",
            "{\"scope\":\"TAG\",\"scopeValue\":\"nightly-report\",\"period\":\"MONTHLY\","
                + "\"limit\":215,\"enforcement\":\"HARD\"}");
    assertThat(hard.status()).as(hard.toString()).isEqualTo(201);

    Reply first = tagged(admin, model, "nightly-report");
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    Reply second = tagged(admin, model, "nightly-report");
    assertThat(second.status()).as(second.toString()).isEqualTo(402);
    assertThat(second.json().getJsonObject("error").getString("code")).isEqualTo("budget_exceeded");
    // another tag is not limited by it
    assertThat(tagged(admin, model, "other").status()).isEqualTo(200);

    // two calls of 15 on the key: 30 of 20 crosses 50% and 100%, each alerted once
    List<JsonObject> alerts = admin.all("/api/v1/tenants/" + tenant + "/budgets/alerts");
    assertThat(alerts).extracting(a -> a.getInt("threshold")).containsExactly(50, 100);
    long until = System.currentTimeMillis() + 30_000;
    while (upstream.findAll(postRequestedFor(urlEqualTo(hook))).size() < 2
        && System.currentTimeMillis() < until) {
      Thread.sleep(200);
    }
    upstream.verify(
        2,
        postRequestedFor(urlEqualTo(hook))
            .withRequestBody(matchingJsonPath("$.type", equalTo("budget.threshold_crossed"))));
    // signed with the tenant's secret, which its admin reads; one message id per alert
    String secrets = "/api/v1/tenants/" + tenant + "/webhook-secret";
    String secret = admin.get(secrets).json().getString("secret");
    var delivered = upstream.findAll(postRequestedFor(urlEqualTo(hook)));
    for (var request : delivered) {
      assertThat(WebhookSignatures.verified(request, secret)).as(request.toString()).isTrue();
    }
    assertThat(delivered.stream().map(r -> r.getHeader("webhook-id")).distinct()).hasSize(2);
    // the secret is the tenant admin's alone: not a developer key's, not another tenant's
    String[] developer = operator.createKey(tenant, "inference");
    AdminApiIT.assertProblem(operator.as(developer[1]).get(secrets), 403);
    Api otherAdmin = operator.as(operator.createKey(operator.createTenant("STANDARD"), "admin")[1]);
    AdminApiIT.assertProblem(otherAdmin.get(secrets), 404);
    AdminApiIT.assertProblem(otherAdmin.post(secrets + "/rotate", "{}"), 404);
    assertThat(admin.get(secrets).json().getString("secret")).isEqualTo(secret);
    JsonObject listed =
        admin.all("/api/v1/tenants/" + tenant + "/budgets").stream()
            .filter(b -> b.getString("scope").equals("KEY"))
            .findFirst()
            .orElseThrow();
    assertThat(listed.getJsonNumber("spent").longValue()).isEqualTo(30);
    ledger.assertInvariants(tenant, true);

    // another tenant cannot see or delete these budgets
    Api stranger = operator.as(operator.createKey(operator.createTenant("STANDARD"), "admin")[1]);
    assertThat(stranger.get("/api/v1/tenants/" + tenant + "/budgets").status()).isEqualTo(404);
    assertThat(
            stranger
                .delete("/api/v1/tenants/" + tenant + "/budgets/" + hard.json().getString("id"))
                .status())
        .isEqualTo(404);
    assertThat(
            admin
                .delete("/api/v1/tenants/" + tenant + "/budgets/" + hard.json().getString("id"))
                .status())
        .isEqualTo(204);
  }

  private static Reply tagged(Api as, String model, String tag) {
    return as.send(
        as.request("/v1/chat/completions")
            .header("Content-Type", "application/json")
            .header("x-tessera-tag", tag)
            .POST(HttpRequest.BodyPublishers.ofString(LedgerFixture.ask(model, 100))));
  }

  @Test
  void movements_have_a_reason_and_an_actor_are_idempotent_and_never_overdraw() throws Exception {
    String tenant = operator.createTenant("PROFESSIONAL");
    Reply grant = ledger.grant(tenant, 500, "welcome-" + tenant);
    assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
    assertThat(grant.json().getString("actor")).isEqualTo("operator");
    assertThat(grant.json().getString("reason")).isEqualTo("test credit");
    // the same key again: the same event, nothing added
    Reply again = ledger.grant(tenant, 500, "welcome-" + tenant);
    assertThat(again.status()).isEqualTo(201);
    assertThat(again.json().getString("id")).isEqualTo(grant.json().getString("id"));
    // the same key for another amount: a conflict, nothing added
    AdminApiIT.assertProblem(ledger.grant(tenant, 501, "welcome-" + tenant), 409);
    assertThat(ledger.balance(tenant)).containsExactly(500, 0);

    String path = "/api/v1/tenants/" + tenant + "/credits";
    assertThat(
            operator
                .post(path, "{\"type\":\"PURCHASE\",\"amount\":250,\"reason\":\"order 7\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            operator
                .post(path, "{\"type\":\"ADJUSTMENT\",\"amount\":-50,\"reason\":\"typo\"}")
                .status())
        .isEqualTo(201);
    // below zero: refused, nothing written
    AdminApiIT.assertProblem(
        operator.post(path, "{\"type\":\"EXPIRY\",\"amount\":701,\"reason\":\"term ended\"}"), 409);
    assertThat(ledger.balance(tenant)).containsExactly(700, 0);
    // a refund of a request is at most what it was charged
    AdminApiIT.assertProblem(
        operator.post(
            path,
            "{\"type\":\"REFUND\",\"amount\":1,\"reason\":\"sorry\",\"requestId\":\"req_none\"}"),
        409);

    List<JsonObject> events = operator.all(path + "/events");
    assertThat(events)
        .extracting(e -> e.getString("type"))
        .containsExactly("GRANT", "PURCHASE", "ADJUSTMENT");
    // a tenant's own key reads its credits, but cannot move them
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    assertThat(admin.get(path).json().getJsonNumber("available").longValue()).isEqualTo(700);
    AdminApiIT.assertProblem(
        admin.post(path, "{\"type\":\"GRANT\",\"amount\":1,\"reason\":\"me\"}"), 403);
    // another tenant's key does not learn the tenant exists
    Api stranger = operator.as(operator.createKey(operator.createTenant("STANDARD"), "admin")[1]);
    AdminApiIT.assertProblem(stranger.get(path), 404);
    AdminApiIT.assertProblem(stranger.get(path + "/events"), 404);
    AdminApiIT.assertProblem(stranger.get("/api/v1/tenants/" + tenant + "/usage"), 404);
    AdminApiIT.assertProblem(stranger.get("/api/v1/tenants/" + tenant + "/usage/export.csv"), 404);
    AdminApiIT.assertProblem(stranger.get("/api/v1/tenants/" + tenant + "/budgets/alerts"), 404);
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void bad_movements_and_report_queries_are_4xx_problems_and_write_nothing() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    String path = "/api/v1/tenants/" + tenant + "/credits";
    for (String body :
        List.of(
            "{\"type\":\"GRANT\",\"amount\":0,\"reason\":\"x\"}",
            "{\"type\":\"GRANT\",\"amount\":-5,\"reason\":\"x\"}",
            "{\"type\":\"GRANT\",\"amount\":5}",
            "{\"type\":\"GIFT\",\"amount\":5,\"reason\":\"x\"}",
            "{\"type\":\"GRANT\",\"amount\":\"lots\",\"reason\":\"x\"}",
            "{\"type\":\"GRANT\",\"amount\":5,\"reason\":\"x\",\"bonus\":true}",
            "{\"type\":\"GRANT\",\"amount\":5,",
            "[]")) {
      AdminApiIT.assertProblem(operator.post(path, body), 400);
    }
    AdminApiIT.assertProblem(
        operator.post(
            "/api/v1/tenants/" + java.util.UUID.randomUUID() + "/credits",
            "{\"type\":\"GRANT\",\"amount\":5,\"reason\":\"x\"}"),
        404);
    assertThat(operator.all(path + "/events")).isEmpty();
    assertThat(ledger.balance(tenant)).containsExactly(0, 0);

    String usage = "/api/v1/tenants/" + tenant + "/usage";
    AdminApiIT.assertProblem(operator.get(usage + "?groupBy=planet"), 400);
    AdminApiIT.assertProblem(operator.get(usage + "?from=yesterday"), 400);
    AdminApiIT.assertProblem(operator.get(usage + "?from=2026-01-02&to=2026-01-01"), 400);
    AdminApiIT.assertProblem(operator.get(usage + "?from=2020-01-01&to=2026-01-01"), 400);
    String budgets = "/api/v1/tenants/" + tenant + "/budgets";
    for (String body :
        List.of(
            "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limit\":0,\"enforcement\":\"HARD\"}",
            "{\"scope\":\"KEY\",\"scopeValue\":\"not-a-key\",\"period\":\"DAILY\",\"limit\":5,"
                + "\"enforcement\":\"HARD\"}",
            "{\"scope\":\"TENANT\",\"period\":\"HOURLY\",\"limit\":5,\"enforcement\":\"HARD\"}",
            "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limit\":5,\"enforcement\":\"HARD\","
                + "\"alertThresholds\":[0]}",
            "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limit\":5,\"enforcement\":\"SOFT\","
                + "\"webhookUrl\":\"file:///etc/passwd\"}",
            "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limit\":5,\"enforcement\":\"SOFT\","
                + "\"webhookUrl\":\"http://169.254.169.254/latest/meta-data/\"}",
            "{\"scope\":\"TENANT\",\"period\":\"DAILY\",\"limit\":5,\"enforcement\":\"SOFT\","
                + "\"webhookUrl\":\"http://192.168.1.1/hook\"}")) {
      AdminApiIT.assertProblem(operator.post(budgets, body), 400);
    }
    assertThat(operator.all(budgets)).isEmpty();
  }

  @Test
  void usage_reports_group_cost_and_the_csv_export_streams_every_settled_call() throws Exception {
    String model =
        ledger.pricedModel(
            "usage-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 10_000, null);
    Api dev = developer(tenant);
    for (int i = 0; i < 3; i++) {
      assertThat(dev.post("/v1/chat/completions", LedgerFixture.ask(model, 10)).status())
          .isEqualTo(200);
    }
    // and one that fails (the provider refuses it, no fallback): its hold comes back whole
    String refusing = "refusing-" + LedgerFixture.unique();
    upstream.stubFor(
        post(urlEqualTo("/" + refusing + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withBody(
                        "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}")));
    String failing = ledger.model(refusing, 1, 1_000_000, 2_000_000);
    LedgerFixture.awaitModel(dev, failing);
    Reply refused =
        dev.send(
            dev.request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("x-tessera-fallback", "none")
                .POST(HttpRequest.BodyPublishers.ofString(LedgerFixture.ask(failing, 10))));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    Reply report = admin.get("/api/v1/tenants/" + tenant + "/usage?groupBy=model");
    assertThat(report.status()).as(report.toString()).isEqualTo(200);
    JsonObject row =
        report.json().getJsonArray("data").stream()
            .map(v -> v.asJsonObject())
            .filter(o -> o.getString("group").equals(model))
            .findFirst()
            .orElseThrow();
    assertThat(row.getInt("requests")).isEqualTo(3);
    // the three successes each released the unused rest of their hold: not failures
    assertThat(row.getInt("failed")).isZero();
    assertThat(row.getInt("cost")).isEqualTo(45);
    assertThat(row.getInt("costPerRequest")).isEqualTo(15);
    assertThat(row.getInt("inputTokens")).isEqualTo(27);
    JsonObject failedRow =
        report.json().getJsonArray("data").stream()
            .map(v -> v.asJsonObject())
            .filter(o -> o.getString("group").equals(failing))
            .findFirst()
            .orElseThrow();
    assertThat(failedRow.getInt("requests")).isZero();
    assertThat(failedRow.getInt("failed")).isEqualTo(1);
    assertThat(failedRow.getInt("cost")).isZero();

    Reply csv = admin.get("/api/v1/tenants/" + tenant + "/usage/export.csv");
    assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
    assertThat(csv.contentType()).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).startsWith("time,request_id");
    assertThat(lines.stream().filter(l -> l.contains(model) && l.endsWith(",15"))).hasSize(3);
  }

  @Test
  void the_ledger_is_append_only_even_for_its_own_tenant() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 100, null);
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      IsolationIT.pin(app, tenant);
      for (String sql :
          List.of(
              "UPDATE public.credit_events SET amount = 1000000",
              "DELETE FROM public.credit_events",
              "TRUNCATE public.credit_events")) {
        assertThatThrownBy(() -> LedgerFixture.execute(app, sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("permission denied");
        app.rollback();
        IsolationIT.pin(app, tenant);
      }
      // nor purge them: whole-tenant removal runs as the owner role, out of the app's reach
      assertThatThrownBy(
              () ->
                  LedgerFixture.execute(
                      app, "SELECT tessera_meta.purge_tenant_rows('public.credit_events')"))
          .hasMessageContaining("does not exist");
      app.rollback();
    }
    // and a superuser's UPDATE is refused by the trigger
    try (Connection su = platform.superuser(Platform.DATABASE)) {
      assertThatThrownBy(
              () ->
                  LedgerFixture.execute(
                      su,
                      "UPDATE public.credit_events SET amount = 1 WHERE tenant_id = '"
                          + tenant
                          + "'"))
          .hasMessageContaining("append-only");
    }
    assertThat(ledger.balance(tenant)).containsExactly(100, 0);
  }

  @Test
  void reconciliation_finds_a_drifted_projection_and_repairs_it_from_the_events() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 300, null);
    try (Connection su = platform.superuser(Platform.DATABASE)) {
      LedgerFixture.execute(
          su,
          "UPDATE public.credit_accounts SET balance = 9999 WHERE tenant_id = '" + tenant + "'");
    }
    Reply r = operator.post("/api/v1/tenants/" + tenant + "/credits/reconcile", "");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getBoolean("repaired")).isTrue();
    assertThat(r.json().getJsonObject("projected").getInt("balance")).isEqualTo(9999);
    assertThat(r.json().getJsonObject("fromEvents").getInt("balance")).isEqualTo(300);
    assertThat(ledger.balance(tenant)).containsExactly(300, 0);
    Reply again = operator.post("/api/v1/tenants/" + tenant + "/credits/reconcile", "");
    assertThat(again.json().getBoolean("repaired")).isFalse();
    assertThat(operator.get("/metrics").body()).contains("tessera_billing_reconciliation_drift");
    ledger.assertInvariants(tenant, true);
  }
}

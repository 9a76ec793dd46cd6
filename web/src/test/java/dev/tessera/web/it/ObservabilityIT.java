package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /metrics after real traffic: a chat, a streamed chat, a cached call, a fallback from a failing
 * WireMock provider and a failure each leave their GenAI-convention series with the right labels;
 * time to first token counts streams only; prompt text never appears.
 */
class ObservabilityIT {
  static Platform platform;
  static Api operator;
  static WireMockServer upstream;
  static final String TAG = Long.toString(System.nanoTime());
  static final String SECRET_PROMPT = "zebra-quartz-" + TAG;

  static final String COMPLETION =
      "{\"id\":\"chatcmpl-up\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"up\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Fine\"},"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":3,"
          + "\"total_tokens\":14}}";

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
  }

  @AfterAll
  static void stop() {
    for (var p : operator.get("/api/v1/providers").json().getJsonArray("data")) {
      if (p.asJsonObject().getString("baseUrl").startsWith(upstream.baseUrl())) {
        operator.delete("/api/v1/providers/" + p.asJsonObject().getString("id"));
      }
    }
    upstream.stop();
  }

  @Test
  void each_kind_of_call_leaves_its_series_with_the_right_labels() {
    upstream.stubFor(
        post(urlEqualTo("/dead" + TAG + "/chat/completions"))
            .willReturn(
                aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"down\"}}")));
    upstream.stubFor(
        post(urlEqualTo("/alive" + TAG + "/chat/completions"))
            .willReturn(
                aResponse().withHeader("Content-Type", "application/json").withBody(COMPLETION)));
    String dead = addModel("obs-dead-" + TAG, "/dead" + TAG);
    String alive = addModel("obs-alive-" + TAG, "/alive" + TAG);
    String tenant = operator.createTenant("STANDARD");
    assertThat(
            operator
                .post(
                    "/api/v1/tenants/" + tenant + "/credits",
                    "{\"type\":\"GRANT\",\"amount\":50000000,\"reason\":\"test\"}")
                .status())
        .isEqualTo(201);
    Reply budget =
        operator.post(
            "/api/v1/tenants/" + tenant + "/budgets",
            "{\"scope\":\"TENANT\",\"period\":\"MONTHLY\",\"limit\":40000000,\"enforcement\":\"HARD\"}");
    assertThat(budget.status()).as(budget.toString()).isEqualTo(201);
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);

    // a chat with a priced upstream model
    Reply chat = dev.post("/v1/chat/completions", body(alive, ""));
    assertThat(chat.status()).as(chat.toString()).isEqualTo(200);
    // a streamed chat with the offline model
    Reply streamed = dev.post("/v1/chat/completions", body("local-extractive", ",\"stream\":true"));
    assertThat(streamed.status()).as(streamed.toString()).isEqualTo(200);
    // a cached call: deterministic, asked twice
    Reply first = dev.post("/v1/chat/completions", body("local-extractive", ",\"temperature\":0"));
    Reply cached = dev.post("/v1/chat/completions", body("local-extractive", ",\"temperature\":0"));
    assertThat(first.status()).isEqualTo(200);
    assertThat(cached.header("x-tessera-cache")).isEqualTo("hit");
    // a fallback: the dead provider fails (503, retried), the equivalent one answers
    Reply rescued = withFallback(dev, body(dead, ""), "equivalent");
    assertThat(rescued.status()).as(rescued.toString()).isEqualTo(200);
    assertThat(rescued.header("x-tessera-model")).isEqualTo(alive);
    // a failure: no fallback allowed, and the breaker of the dead provider is open by now
    Reply failed = withFallback(dev, body(dead, ""), "none");
    assertThat(failed.status()).isGreaterThanOrEqualTo(500);
    // a model that does not exist: labelled "unknown", not by the name the client made up
    Reply unknown = dev.post("/v1/chat/completions", body("made-up-" + TAG, ""));
    assertThat(unknown.status()).isEqualTo(404);

    Metrics m = Metrics.scrape(operator.get("/metrics").body());

    // the chat: duration, tokens by type, overhead, the upstream attempt
    assertThat(
            m.value(
                "gen_ai_server_request_duration_seconds_count",
                Map.of(
                    "gen_ai_operation_name", "chat",
                    "gen_ai_provider_name", "openai",
                    "gen_ai_request_model", alive,
                    "gen_ai_response_model", alive,
                    "error_type", "")))
        .isEqualTo(1);
    assertThat(
            m.value(
                "gen_ai_client_token_usage_sum",
                Map.of("gen_ai_request_model", alive, "gen_ai_token_type", "input")))
        .isEqualTo(11);
    assertThat(
            m.value(
                "gen_ai_client_token_usage_sum",
                Map.of("gen_ai_request_model", alive, "gen_ai_token_type", "output")))
        .isEqualTo(3);
    assertThat(
            m.value(
                "tessera_gateway_overhead_microseconds_count",
                Map.of("gen_ai_operation_name", "chat")))
        .isGreaterThanOrEqualTo(4);
    assertThat(
            m.value(
                "gen_ai_client_operation_duration_seconds_count",
                Map.of(
                    "gen_ai_provider_name",
                    "openai",
                    "gen_ai_request_model",
                    alive,
                    "error_type",
                    "")))
        .as("one attempt for the chat, one for the rescue")
        .isEqualTo(2);
    // buckets, with the boundary the latency SLO of ops/prometheus/tessera-alerts.yml uses
    assertThat(
            m.series(
                "gen_ai_server_request_duration_seconds_bucket",
                Map.of("gen_ai_request_model", alive, "error_type", "", "le", "20.48")))
        .as(m.grep("gen_ai_server_request_duration_seconds_bucket"))
        .containsExactly(1.0);
    // time to first token: the streamed call only
    assertThat(
            m.value(
                "gen_ai_server_time_to_first_token_seconds_count",
                Map.of(
                    "gen_ai_request_model", "local-extractive", "gen_ai_provider_name", "local")))
        .isEqualTo(1);
    assertThat(
            m.series(
                "gen_ai_server_time_to_first_token_seconds_count",
                Map.of("gen_ai_request_model", alive)))
        .as("non-streamed calls have no time to first token")
        .isEmpty();
    // the cache hit, by kind, answered by Tessera itself
    assertThat(m.value("tessera_gateway_cache_hits_total", Map.of("kind", "exact")))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            m.value(
                "gen_ai_server_request_duration_seconds_count",
                Map.of(
                    "gen_ai_provider_name",
                    "tessera",
                    "gen_ai_request_model",
                    "local-extractive",
                    "error_type",
                    "")))
        .isGreaterThanOrEqualTo(1);
    // the fallback: failed attempts at the dead provider, the route, the served model
    assertThat(
            m.value(
                "gen_ai_client_operation_duration_seconds_count",
                Map.of("gen_ai_request_model", dead, "error_type", "server_error")))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            m.value(
                "gen_ai_server_request_duration_seconds_count",
                Map.of(
                    "gen_ai_request_model",
                    dead,
                    "gen_ai_response_model",
                    alive,
                    "error_type",
                    "")))
        .isEqualTo(1);
    assertThat(m.value("tessera_gateway_routes_total", Map.of("route", "fallback")))
        .isGreaterThanOrEqualTo(1);
    assertThat(m.value("tessera_gateway_routes_total", Map.of("route", "primary")))
        .isGreaterThanOrEqualTo(1);
    // the failure, with its error type; the breaker of the dead deployment is open (2)
    assertThat(
            m.value(
                "gen_ai_server_request_duration_seconds_count",
                Map.of("gen_ai_request_model", dead, "error_type", "server_error")))
        .isEqualTo(1);
    assertThat(
            m.value(
                "gen_ai_server_request_duration_seconds_count",
                Map.of("gen_ai_request_model", "unknown", "error_type", "unknown_model")))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            m.series(
                "gen_ai_server_request_duration_seconds_count",
                Map.of("gen_ai_request_model", "made-up-" + TAG)))
        .isEmpty();
    List<Double> breakers = m.series("tessera_gateway_breaker_state", Map.of());
    assertThat(m.matching("tessera_gateway_breaker_state", dead)).containsExactly(2.0);
    assertThat(m.matching("tessera_gateway_breaker_state", alive)).containsExactly(0.0);
    assertThat(breakers).isNotEmpty();
    assertThat(m.matching("tessera_gateway_health_score", alive)).containsExactly(1.0);
    // credit velocity of the tenant: held and spent, and what it has left
    assertThat(m.value("tessera_credits_reserved_microcredits_total", Map.of("tenant", tenant)))
        .isPositive();
    assertThat(m.value("tessera_credits_spent_microcredits_total", Map.of("tenant", tenant)))
        .isPositive();
    assertThat(m.value("tessera_credits_available_microcredits", Map.of("tenant", tenant)))
        .isPositive()
        .isLessThan(50_000_000);
    assertThat(m.series("tessera_lanes_interactive_occupancy", Map.of())).hasSize(1);
    // budget headroom: the hard budget's limit less what the calls spent
    assertThat(m.value("tessera_budget_remaining_microcredits", Map.of("tenant", tenant)))
        .isPositive()
        .isLessThan(40_000_000);
    // database pools: the shared pool as configured (TESSERA_DB_POOL_SIZE=4), sane readings
    double max = m.value("tessera_db_pool_connections", Map.of("pool", "shared", "state", "max"));
    double active =
        m.value("tessera_db_pool_connections", Map.of("pool", "shared", "state", "active"));
    double idle = m.value("tessera_db_pool_connections", Map.of("pool", "shared", "state", "idle"));
    assertThat(max).isEqualTo(4);
    assertThat(active).isBetween(0.0, max);
    assertThat(idle).isBetween(0.0, max);
    assertThat(active + idle).as("open connections").isPositive().isLessThanOrEqualTo(max);
    assertThat(m.value("tessera_db_pool_connections", Map.of("pool", "shared", "state", "waiting")))
        .isGreaterThanOrEqualTo(0);
    assertThat(m.value("tessera_db_pool_saturation", Map.of("pool", "shared"))).isBetween(0.0, 1.0);
    // the priced call's ledger writes ran on the ledger's own pool (TESSERA_DB_LEDGER_POOL_SIZE,
    // 16)
    assertThat(m.value("tessera_db_pool_connections", Map.of("pool", "ledger", "state", "max")))
        .isEqualTo(16);
    assertThat(
            m.value("tessera_db_pool_connections", Map.of("pool", "ledger", "state", "active"))
                + m.value("tessera_db_pool_connections", Map.of("pool", "ledger", "state", "idle")))
        .as("the ledger's open connections")
        .isPositive();
    // never the prompt
    assertThat(m.text).doesNotContain(SECRET_PROMPT).doesNotContain("zebra");
  }

  @Test
  void rate_limit_rejections_are_counted_per_tenant() {
    String tenant = operator.createTenant("STANDARD", "{\"tokensPerMinute\":100}");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);
    Reply r = dev.post("/v1/chat/completions", body("local-extractive", ",\"max_tokens\":5000"));
    assertThat(r.status()).as(r.toString()).isEqualTo(429);
    Metrics m = Metrics.scrape(operator.get("/metrics").body());
    assertThat(m.value("tessera_rate_limit_rejections_tokens_total", Map.of("tenant", tenant)))
        .isEqualTo(1);
  }

  @Test
  void an_operator_pauses_and_resumes_metrics_on_a_running_instance() {
    String tenant = operator.createTenant("STANDARD");
    Api dev = operator.as(operator.createKey(tenant, "inference")[1]);

    // operator only; tracing cannot be turned on where the instance has no SDK
    AdminApiIT.assertProblem(dev.get("/api/v1/telemetry"), 403);
    AdminApiIT.assertProblem(RetrievalIT.put(dev, "/api/v1/telemetry", "{\"metrics\":false}"), 403);
    Reply state = operator.get("/api/v1/telemetry");
    assertThat(state.status()).as(state.toString()).isEqualTo(200);
    assertThat(state.json().getBoolean("metrics")).isTrue();
    assertThat(state.json().getBoolean("tracing")).isFalse();
    assertThat(state.json().getBoolean("tracingAvailable")).isFalse();
    double before;
    try {
      Reply refused = RetrievalIT.put(operator, "/api/v1/telemetry", "{\"tracing\":true}");
      AdminApiIT.assertProblem(refused, 409);
      assertThat(refused.body()).contains("OTEL_SDK_DISABLED=false");
      for (String bad :
          List.of(
              "{}",
              "{\"metric\":false}",
              "{\"metrics\":\"no\"}",
              "{\"metrics\":0}",
              "{\"metrics\":false,\"tracing\":null}",
              "[]")) {
        AdminApiIT.assertProblem(RetrievalIT.put(operator, "/api/v1/telemetry", bad), 400);
        assertThat(operator.get("/api/v1/telemetry").json().getBoolean("metrics"))
            .as("unchanged by " + bad)
            .isTrue();
      }

      before = offlineCalls();
      Reply paused = RetrievalIT.put(operator, "/api/v1/telemetry", "{\"metrics\":false}");
      assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
      assertThat(paused.json().getBoolean("metrics")).isFalse();
      assertThat(offlineCallsAfterOneMore(dev))
          .as("a call while metrics are paused is not recorded")
          .isEqualTo(before);
    } finally {
      Reply resumed = RetrievalIT.put(operator, "/api/v1/telemetry", "{\"metrics\":true}");
      assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
      assertThat(resumed.json().getBoolean("metrics")).isTrue();
    }
    assertThat(offlineCallsAfterOneMore(dev))
        .as("recorded again once resumed")
        .isEqualTo(before + 1);
  }

  /** Makes one call to the offline model, then counts the calls to it on /metrics. */
  private static double offlineCallsAfterOneMore(Api dev) {
    Reply r = dev.post("/v1/chat/completions", body("local-extractive", ""));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return offlineCalls();
  }

  private static double offlineCalls() {
    return Metrics.scrape(operator.get("/metrics").body())
        .series(
            "gen_ai_server_request_duration_seconds_count",
            Map.of("gen_ai_request_model", "local-extractive"))
        .stream()
        .mapToDouble(Double::doubleValue)
        .sum();
  }

  static String body(String model, String extra) {
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"system\",\"content\":\"The code word is "
        + SECRET_PROMPT
        + ". Refunds take 30 days.\"},{\"role\":\"user\",\"content\":\"How long do refunds take?\"}]"
        + extra
        + "}";
  }

  static Reply withFallback(Api dev, String body, String consent) {
    return dev.send(
        dev.request("/v1/chat/completions")
            .header("Content-Type", "application/json")
            .header("x-tessera-fallback", consent)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  static String addModel(String name, String path) {
    Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\""
                + name
                + "\",\"kind\":\"openai\",\"baseUrl\":\""
                + upstream.baseUrl()
                + path
                + "\",\"apiKey\":\"k\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    Reply model =
        operator.post(
            "/api/v1/models",
            "{\"name\":\""
                + name
                + "\",\"providerId\":\""
                + provider.json().getString("id")
                + "\",\"tier\":2,\"inputPricePerMillion\":150000,\"outputPricePerMillion\":600000}");
    assertThat(model.status()).as(model.toString()).isEqualTo(201);
    return name;
  }

  /** Prometheus text, parsed into samples: name, labels, value. */
  static final class Metrics {
    final String text;
    final List<Sample> samples = new ArrayList<>();

    record Sample(String name, Map<String, String> labels, double value) {}

    private Metrics(String text) {
      this.text = text;
    }

    static Metrics scrape(String text) {
      Metrics m = new Metrics(text);
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        String name = brace < 0 ? line.substring(0, line.indexOf(' ')) : line.substring(0, brace);
        Map<String, String> labels = new LinkedHashMap<>();
        if (brace >= 0) {
          String inner = line.substring(brace + 1, line.lastIndexOf('}'));
          var matcher =
              java.util.regex.Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(inner);
          while (matcher.find()) {
            labels.put(matcher.group(1), matcher.group(2));
          }
        }
        m.samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
      }
      return m;
    }

    /** Values of the series of {@code name} having every label of {@code want}. */
    List<Double> series(String name, Map<String, String> want) {
      List<Double> out = new ArrayList<>();
      for (Sample s : samples) {
        if (s.name().equals(name) && s.labels().entrySet().containsAll(want.entrySet())) {
          out.add(s.value());
        }
      }
      return out;
    }

    /** The sum over the series of {@code name} having every label of {@code want}. */
    double value(String name, Map<String, String> want) {
      List<Double> v = series(name, want);
      assertThat(v).as(name + " " + want + " in\n" + grep(name)).isNotEmpty();
      return v.stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Values of {@code name} whose deployment label contains {@code part}. */
    List<Double> matching(String name, String part) {
      List<Double> out = new ArrayList<>();
      for (Sample s : samples) {
        if (s.name().equals(name)
            && s.labels().getOrDefault("deployment", "").startsWith(part + "@")) {
          out.add(s.value());
        }
      }
      return out;
    }

    String grep(String name) {
      StringBuilder b = new StringBuilder();
      for (String line : text.split("\n")) {
        if (line.startsWith(name.replaceAll("_(count|sum|total)$", ""))) {
          b.append(line).append('\n');
        }
      }
      return b.toString();
    }
  }
}

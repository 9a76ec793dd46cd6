package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.tessera.web.it.Api.Reply;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Traces end to end: a node with tracing on (the standard OTEL_* variables) exports over OTLP to a
 * loopback receiver. A fallback call carrying the caller's W3C traceparent gives one span per
 * upstream attempt, each attempt's trace context reaches the provider, and no prompt text is in any
 * span unless the platform and the tenant both opted in, and then only masked. Guardrails and
 * retrieval have spans of their own.
 */
class TracingIT {
  static Platform platform;
  static Api operator;
  static WireMockServer upstream;
  static WireMockServer collector;
  static Node node;
  static final String TAG = Long.toString(System.nanoTime());
  static final String SECRET_PROMPT = "walrus-topaz-" + TAG;

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    collector = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    collector.start();
    collector.stubFor(post(urlEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)));
    Map<String, String> env = platform.env();
    env.put("TESSERA_BATCHES_WORKERS", "0");
    env.put("OTEL_SDK_DISABLED", "false");
    env.put("OTEL_TRACES_EXPORTER", "otlp");
    env.put("OTEL_METRICS_EXPORTER", "none");
    env.put("OTEL_LOGS_EXPORTER", "none");
    env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl());
    env.put("OTEL_BSP_SCHEDULE_DELAY", "100");
    env.put("OTEL_SERVICE_NAME", "tessera-it");
    // the platform allows message content in spans; each tenant must still opt in
    env.put("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true");
    node = new Node("node-traced", Settings.WORK);
    node.start(env, List.of());
    node.awaitReady(Duration.ofMinutes(8)); // a second node boots slowly on a busy machine
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    for (var p : operator.get("/api/v1/providers").json().getJsonArray("data")) {
      if (p.asJsonObject().getString("baseUrl").startsWith(upstream.baseUrl())) {
        operator.delete("/api/v1/providers/" + p.asJsonObject().getString("id"));
      }
    }
    upstream.stop();
    collector.stop();
  }

  @Test
  void a_fallback_call_has_one_span_per_attempt_and_its_context_reaches_the_providers()
      throws Exception {
    upstream.stubFor(
        post(urlEqualTo("/dead" + TAG + "/chat/completions"))
            .willReturn(
                aResponse().withStatus(503).withBody("{\"error\":{\"message\":\"down\"}}")));
    upstream.stubFor(
        post(urlEqualTo("/alive" + TAG + "/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(ObservabilityIT.COMPLETION)));
    String dead = addModel("trace-dead-" + TAG, "/dead" + TAG);
    String alive = addModel("trace-alive-" + TAG, "/alive" + TAG);
    String tenant = operator.createTenant("STANDARD");
    operator.post(
        "/api/v1/tenants/" + tenant + "/credits",
        "{\"type\":\"GRANT\",\"amount\":50000000,\"reason\":\"test\"}");
    Api dev = new Api(node.baseUrl(), operator.createKey(tenant, "inference")[1]);

    String traceId;
    String parentId;
    String body =
        "{\"model\":\""
            + dead
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Remember "
            + SECRET_PROMPT
            + "\"}]}";
    Reply r;
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    do { // the node reads the catalog every two seconds; each try is a trace of its own
      traceId = UUID.randomUUID().toString().replace("-", "");
      parentId = traceId.substring(0, 16);
      r =
          dev.send(
              dev.request("/v1/chat/completions")
                  .header("Content-Type", "application/json")
                  .header("x-tessera-fallback", "equivalent")
                  .header("traceparent", "00-" + traceId + "-" + parentId + "-01")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    } while (r.status() == 404 && System.nanoTime() < until && sleep());
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-model")).isEqualTo(alive);

    // every upstream request carried this trace
    List<LoggedRequest> deadCalls =
        upstream.findAll(
            postRequestedFor(urlEqualTo("/dead" + TAG + "/chat/completions"))
                .withHeader("traceparent", containing(traceId)));
    List<LoggedRequest> aliveCalls =
        upstream.findAll(
            postRequestedFor(urlEqualTo("/alive" + TAG + "/chat/completions"))
                .withHeader("traceparent", containing(traceId)));
    assertThat(deadCalls).as("the primary was retried").hasSizeGreaterThan(1);
    assertThat(aliveCalls).hasSize(1);

    List<Span> spans = spansOf(traceId, Duration.ofSeconds(20));
    Span call = only(spans, "chat " + dead);
    assertThat(hex(call.getParentSpanId().toByteArray())).isEqualTo(parentId);
    List<Span> attempts = new ArrayList<>();
    for (Span s : spans) {
      if (s.getName().startsWith("attempt ")) {
        attempts.add(s);
        assertThat(s.getParentSpanId()).isEqualTo(call.getSpanId());
      }
    }
    assertThat(attempts.stream().filter(s -> s.getName().equals("attempt " + dead)))
        .hasSize(deadCalls.size());
    assertThat(attempts.stream().filter(s -> s.getName().equals("attempt " + alive))).hasSize(1);
    assertThat(attempts).hasSize(deadCalls.size() + aliveCalls.size());
    // each provider saw the span of its own attempt as parent
    List<String> attemptIds = attempts.stream().map(s -> hex(s.getSpanId().toByteArray())).toList();
    for (LoggedRequest q : deadCalls) {
      assertThat(q.getHeader("traceparent").split("-")[2]).isIn(attemptIds);
    }
    for (String step : List.of("auth", "admission", "route", "ledger hold", "ledger settle")) {
      assertThat(only(spans, step).getParentSpanId()).as(step).isEqualTo(call.getSpanId());
    }
    assertThat(attr(call, "gen_ai.response.model")).isEqualTo(alive);
    // no prompt text anywhere in the export
    for (byte[] export : exports()) {
      assertThat(new String(export, java.nio.charset.StandardCharsets.ISO_8859_1))
          .doesNotContain(SECRET_PROMPT);
    }
  }

  @Test
  void guardrails_and_retrieval_have_spans_and_message_content_needs_the_tenants_consent()
      throws Exception {
    upstream.stubFor(
        post(urlEqualTo("/content" + TAG + "/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(ObservabilityIT.COMPLETION)));
    String model = addModel("trace-content-" + TAG, "/content" + TAG);
    Api onNode = operator.on(node);
    String consenting = operator.createTenant("STANDARD");
    String silent = operator.createTenant("STANDARD");
    for (String t : List.of(consenting, silent)) {
      operator.post(
          "/api/v1/tenants/" + t + "/credits",
          "{\"type\":\"GRANT\",\"amount\":50000000,\"reason\":\"test\"}");
    }
    // the tenant's consent: stored, and effective only where the platform allows content too
    Reply off = onNode.get("/api/v1/tenants/" + consenting + "/telemetry");
    assertThat(off.status()).as(off.toString()).isEqualTo(200);
    assertThat(off.json().getBoolean("traceContent")).isFalse();
    assertThat(off.json().getBoolean("contentInTraces")).isFalse();
    Reply on =
        put(onNode, "/api/v1/tenants/" + consenting + "/telemetry", "{\"traceContent\":true}");
    assertThat(on.status()).as(on.toString()).isEqualTo(200);
    assertThat(on.json().getBoolean("platformCapturesContent")).isTrue();
    assertThat(on.json().getBoolean("contentInTraces")).isTrue();
    Reply untraced = operator.get("/api/v1/tenants/" + consenting + "/telemetry");
    assertThat(untraced.json().getBoolean("traceContent")).isTrue();
    assertThat(untraced.json().getBoolean("platformCapturesContent"))
        .as("the main node traces nothing, so it keeps no content whatever the tenant says")
        .isFalse();
    assertThat(untraced.json().getBoolean("contentInTraces")).isFalse();
    assertThat(
            put(onNode, "/api/v1/tenants/" + consenting + "/telemetry", "{\"traceContents\":true}")
                .status())
        .as("an unknown field is refused, not ignored")
        .isEqualTo(400);
    String[] viewer = operator.createKey(consenting, "inference");
    assertThat(
            put(
                    operator.as(viewer[1]).on(node),
                    "/api/v1/tenants/" + silent + "/telemetry",
                    "{\"traceContent\":true}")
                .status())
        .as("another tenant's settings are not there for this key")
        .isIn(403, 404);

    // the consenting tenant: its masked messages and the answer are on the call's span
    String email = "bob." + TAG + "@example.com";
    // letters in it: TAG's 14 digits pass the card check's Luhn test one time in ten, and masked
    // as a card number the word would not be there to find
    String word = "heliotrope" + Long.toString(Long.parseLong(TAG), 36);
    String consentingTrace = traceId();
    Reply r =
        chat(
            new Api(node.baseUrl(), operator.createKey(consenting, "inference")[1]),
            consentingTrace,
            "{\"model\":\""
                + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Write to "
                + email
                + " about the "
                + word
                + "\"}]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    List<Span> spans = spansOf(consentingTrace, Duration.ofSeconds(20));
    Span call = only(spans, "chat " + model);
    String input = attr(call, "gen_ai.input.messages");
    assertThat(input)
        .as("what left for the provider: masked")
        .contains("\"role\":\"user\"")
        .contains(word)
        .contains("<EMAIL_1>")
        .doesNotContain(email);
    assertThat(attr(call, "gen_ai.output.messages")).contains("Fine");
    List<Span> guardrails = spans.stream().filter(s -> s.getName().equals("guardrails")).toList();
    Span in =
        guardrails.stream()
            .filter(s -> "input".equals(attr(s, "tessera.guardrails.phase")))
            .findFirst()
            .orElseThrow();
    assertThat(in.getParentSpanId()).isEqualTo(call.getSpanId());
    assertThat(strings(in, "tessera.guardrails.checks")).contains("pii", "prompt_injection");
    assertThat(number(in, "tessera.guardrails.pii_kinds")).isEqualTo(1);
    assertThat(attr(in, "tessera.guardrails.verdict")).isEqualTo("pass");
    assertThat(bool(in, "tessera.guardrails.blocked")).isFalse();
    assertThat(
            guardrails.stream().filter(s -> "output".equals(attr(s, "tessera.guardrails.phase"))))
        .as("the answer's checks")
        .isNotEmpty();

    // the silent tenant, same platform: no text at all
    String silentWord = "marigold" + Long.toString(Long.parseLong(TAG), 36); // letters: as above
    String silentTrace = traceId();
    Reply quiet =
        chat(
            new Api(node.baseUrl(), operator.createKey(silent, "inference")[1]),
            silentTrace,
            "{\"model\":\""
                + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the "
                + silentWord
                + "\"}]}");
    assertThat(quiet.status()).as(quiet.toString()).isEqualTo(200);
    Span silentCall = only(spansOf(silentTrace, Duration.ofSeconds(20)), "chat " + model);
    assertThat(attr(silentCall, "gen_ai.input.messages")).isNull();
    assertThat(attr(silentCall, "gen_ai.output.messages")).isNull();
    for (byte[] export : exports()) {
      assertThat(new String(export, java.nio.charset.StandardCharsets.ISO_8859_1))
          .doesNotContain(silentWord)
          .doesNotContain(email);
    }

    // retrieval: a span of its own under the call, the question's embedding beneath it
    Api kbAdmin = new Api(node.baseUrl(), operator.createKey(consenting, "admin", "inference")[1]);
    Reply kb = kbAdmin.post("/v1/retrieval/knowledge_bases", "{\"name\":\"trace-kb\"}");
    assertThat(kb.status()).as(kb.toString()).isEqualTo(201);
    String kbId = kb.json().getString("id");
    Reply doc =
        kbAdmin.post(
            "/v1/retrieval/knowledge_bases/" + kbId + "/documents",
            "{\"title\":\"walrus.txt\",\"media_type\":\"text/plain\",\"text\":\"Walruses"
                + " leave the Arctic coast in October and return in May.\"}");
    assertThat(doc.status()).as(doc.toString()).isEqualTo(202);
    RetrievalIT.awaitStatus(kbAdmin, kbId, doc.json().getString("id"), "ready");
    String groundedTrace = traceId();
    Reply grounded =
        chat(
            kbAdmin,
            groundedTrace,
            "{\"model\":\""
                + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"When do walruses leave"
                + " the Arctic coast?\"}],\"retrieval\":{\"knowledge_bases\":[\""
                + kbId
                + "\"]}}");
    assertThat(grounded.status()).as(grounded.toString()).isEqualTo(200);
    List<Span> groundedSpans = spansOf(groundedTrace, Duration.ofSeconds(20));
    Span groundedCall = only(groundedSpans, "chat " + model);
    Span retrieval = only(groundedSpans, "retrieval");
    assertThat(retrieval.getParentSpanId()).isEqualTo(groundedCall.getSpanId());
    assertThat(strings(retrieval, "tessera.retrieval.knowledge_base_ids")).containsExactly(kbId);
    assertThat(attr(retrieval, "tessera.retrieval.mode")).isEqualTo("hybrid");
    assertThat(number(retrieval, "tessera.retrieval.k")).isPositive();
    assertThat(number(retrieval, "tessera.retrieval.hits")).isGreaterThanOrEqualTo(1);
    List<Span> embeddings =
        groundedSpans.stream().filter(s -> s.getName().startsWith("embeddings ")).toList();
    assertThat(embeddings).as("the question's embedding").hasSize(1);
    assertThat(embeddings.get(0).getParentSpanId()).isEqualTo(retrieval.getSpanId());

    // a plain search: its retrieval span joins the caller's trace through the request's own span
    String searchTrace = traceId();
    Reply search =
        kbAdmin.send(
            kbAdmin
                .request("/v1/retrieval/search")
                .header("Content-Type", "application/json")
                .header(
                    "traceparent", "00-" + searchTrace + "-" + searchTrace.substring(0, 16) + "-01")
                .POST(
                    java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"query\":\"walruses\",\"mode\":\"bm25\",\"knowledge_bases\":[\""
                            + kbId
                            + "\"]}")));
    assertThat(search.status()).as(search.toString()).isEqualTo(200);
    Span searched = awaitSpan(searchTrace, "retrieval", Duration.ofSeconds(20));
    assertThat(attr(searched, "tessera.retrieval.mode")).isEqualTo("bm25");
    assertThat(number(searched, "tessera.retrieval.hits")).isEqualTo(1);
  }

  @Test
  void an_operator_pauses_tracing_at_run_time_and_no_span_of_a_paused_call_is_exported()
      throws Exception {
    String tenant = operator.createTenant("STANDARD");
    Api nodeOperator = operator.on(node);
    Api dev = new Api(node.baseUrl(), operator.createKey(tenant, "inference")[1]);
    String body =
        "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    Reply state = nodeOperator.get("/api/v1/telemetry");
    assertThat(state.status()).as(state.toString()).isEqualTo(200);
    assertThat(state.json().getBoolean("tracing")).isTrue();
    assertThat(state.json().getBoolean("tracingAvailable")).isTrue();

    String pausedTrace = traceId();
    Reply paused = put(nodeOperator, "/api/v1/telemetry", "{\"tracing\":false}");
    try {
      assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
      assertThat(paused.json().getBoolean("tracing")).isFalse();
      assertThat(paused.json().getBoolean("metrics")).as("left as it was").isTrue();
      long exported = quietSpanCount(); // the PUT's own span began before the switch
      Reply r = chat(dev, pausedTrace, body);
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
      assertThat(quietSpanCount())
          .as("no span at all while paused, Payara's own for the request included")
          .isEqualTo(exported);
    } finally {
      Reply resumed = put(nodeOperator, "/api/v1/telemetry", "{\"tracing\":true}");
      assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
      assertThat(resumed.json().getBoolean("tracing")).isTrue();
    }
    String resumedTrace = traceId();
    Reply r = chat(dev, resumedTrace, body);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    // spans are exported in the order they end: once the later call's span is in, the paused
    // call's would be too
    assertThat(spansOf(resumedTrace, Duration.ofSeconds(20)))
        .extracting(Span::getName)
        .contains("chat local-extractive", "route");
    assertThat(spansOf(pausedTrace, Duration.ZERO))
        .as("no span of the paused call, Payara's own included")
        .isEmpty();
  }

  /** How many spans were exported in all, once nothing more has arrived for a second. */
  static long quietSpanCount() throws Exception {
    long last = -1;
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      long n = 0;
      for (byte[] export : exports()) {
        for (var rs : ExportTraceServiceRequest.parseFrom(export).getResourceSpansList()) {
          for (var ss : rs.getScopeSpansList()) {
            n += ss.getSpansCount();
          }
        }
      }
      if (n == last) {
        return n;
      }
      last = n;
      Thread.sleep(1000); // ten times the export delay (OTEL_BSP_SCHEDULE_DELAY=100)
    }
    throw new AssertionError("spans kept arriving for 20 s");
  }

  /** The first span named {@code name} in a trace, waiting for it to be exported. */
  static Span awaitSpan(String traceId, String name, Duration wait) throws Exception {
    long until = System.nanoTime() + wait.toNanos();
    while (true) {
      for (byte[] export : exports()) {
        for (var rs : ExportTraceServiceRequest.parseFrom(export).getResourceSpansList()) {
          for (var ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              if (hex(s.getTraceId().toByteArray()).equals(traceId) && s.getName().equals(name)) {
                return s;
              }
            }
          }
        }
      }
      if (System.nanoTime() > until) {
        throw new AssertionError("no span " + name + " in trace " + traceId);
      }
      Thread.sleep(200);
    }
  }

  static Reply put(Api api, String path, String json) {
    return RetrievalIT.put(api, path, json);
  }

  static Reply chat(Api api, String traceId, String body) {
    Reply r;
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    do { // the node reads the catalog every two seconds
      r =
          api.send(
              api.request("/v1/chat/completions")
                  .header("Content-Type", "application/json")
                  .header("traceparent", "00-" + traceId + "-" + traceId.substring(0, 16) + "-01")
                  .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
    } while (r.status() == 404 && System.nanoTime() < until && sleep());
    return r;
  }

  static String traceId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  static io.opentelemetry.proto.common.v1.AnyValue value(Span s, String key) {
    for (KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    throw new AssertionError(key + " not on " + s.getName() + ": " + s.getAttributesList());
  }

  static List<String> strings(Span s, String key) {
    return value(s, key).getArrayValue().getValuesList().stream()
        .map(io.opentelemetry.proto.common.v1.AnyValue::getStringValue)
        .toList();
  }

  static long number(Span s, String key) {
    return value(s, key).getIntValue();
  }

  static boolean bool(Span s, String key) {
    return value(s, key).getBoolValue();
  }

  private static boolean sleep() {
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  static Span only(List<Span> spans, String name) {
    List<Span> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as(name + " among " + spans.stream().map(Span::getName).toList()).hasSize(1);
    return named.get(0);
  }

  static String attr(Span s, String key) {
    for (KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  static List<byte[]> exports() {
    return collector.findAll(postRequestedFor(urlEqualTo("/v1/traces"))).stream()
        .map(LoggedRequest::getBody)
        .toList();
  }

  /** The spans of one trace received so far, waiting until the call's span has arrived. */
  static List<Span> spansOf(String traceId, Duration wait) throws Exception {
    long until = System.nanoTime() + wait.toNanos();
    while (true) {
      List<Span> found = new ArrayList<>();
      boolean ended = false;
      for (byte[] export : exports()) {
        for (var rs : ExportTraceServiceRequest.parseFrom(export).getResourceSpansList()) {
          for (var ss : rs.getScopeSpansList()) {
            for (Span s : ss.getSpansList()) {
              if (hex(s.getTraceId().toByteArray()).equals(traceId)) {
                found.add(s);
                ended |= s.getName().startsWith("chat ");
              }
            }
          }
        }
      }
      if (ended || System.nanoTime() > until) {
        return found;
      }
      Thread.sleep(200);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static String addModel(String name, String path) {
    ObservabilityIT.upstream = upstream;
    ObservabilityIT.operator = operator;
    return ObservabilityIT.addModel(name, path);
  }
}

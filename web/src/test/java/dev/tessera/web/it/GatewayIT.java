package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible API (/v1) against the built-in offline models, over real HTTP: the shapes
 * an OpenAI SDK expects, streaming as server-sent events, and errors in OpenAI's error shape.
 */
class GatewayIT {
  static Platform platform;
  static Api operator;
  static String tenant;
  static Api developer;

  static final String QUESTION =
      "{\"model\":\"auto\",\"messages\":["
          + "{\"role\":\"system\",\"content\":\"Refunds are accepted within 30 days of purchase. "
          + "Shipping to Norway takes five business days. Our office cat is called Miso.\"},"
          + "{\"role\":\"user\",\"content\":\"How many days do I have for a refund?\"}]";

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    tenant = operator.createTenant("STANDARD");
    developer = operator.as(operator.createKey(tenant, "inference")[1]);
  }

  @Test
  void lists_the_models_this_tenant_may_use() {
    Reply r = developer.get("/v1/models");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getString("object")).isEqualTo("list");
    List<String> ids = new ArrayList<>();
    r.json().getJsonArray("data").forEach(v -> ids.add(v.asJsonObject().getString("id")));
    assertThat(ids).contains("local-extractive", "local-minilm", "auto");
    assertThat(developer.get("/v1/models/local-extractive").json().getString("object"))
        .isEqualTo("model");
  }

  @Test
  void answers_from_the_context_with_the_offline_model() {
    Reply r = developer.post("/v1/chat/completions", QUESTION + "}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.header("x-tessera-model")).isEqualTo("local-extractive");
    assertThat(r.header("x-request-id")).startsWith("req_");
    assertThat(r.header("x-tessera-cache")).isNotBlank();
    JsonObject body = r.json();
    assertThat(body.getString("object")).isEqualTo("chat.completion");
    assertThat(body.getString("model")).isEqualTo("local-extractive");
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    assertThat(choice.getString("finish_reason")).isEqualTo("stop");
    assertThat(choice.getJsonObject("message").getString("content")).contains("30 days");
    JsonObject usage = body.getJsonObject("usage");
    assertThat(usage.getInt("prompt_tokens")).isPositive();
    assertThat(usage.getInt("total_tokens"))
        .isEqualTo(usage.getInt("prompt_tokens") + usage.getInt("completion_tokens"));
  }

  @Test
  void streams_server_sent_events_ending_with_done_and_usage() {
    Reply r =
        developer.post(
            "/v1/chat/completions",
            QUESTION + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.contentType()).startsWith("text/event-stream");
    List<String> data = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: ")) {
        data.add(line.substring(6));
      }
    }
    assertThat(data).hasSizeGreaterThan(2);
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    boolean sawUsage = false;
    String id = null;
    for (String d : data.subList(0, data.size() - 1)) {
      JsonObject chunk = Json.createReader(new StringReader(d)).readObject();
      assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
      id = id == null ? chunk.getString("id") : id;
      assertThat(chunk.getString("id")).isEqualTo(id);
      for (var c : chunk.getJsonArray("choices")) {
        JsonObject delta = c.asJsonObject().getJsonObject("delta");
        if (delta.containsKey("content")) {
          text.append(delta.getString("content"));
        }
      }
      sawUsage |= chunk.containsKey("usage") && !chunk.isNull("usage");
    }
    assertThat(text.toString()).contains("30 days");
    assertThat(sawUsage).isTrue();
  }

  @Test
  void deterministic_answers_are_cached_per_tenant_never_across_tenants() {
    String deterministic = QUESTION + ",\"temperature\":0}";
    String other = operator.createTenant("STANDARD");
    Api otherDev = operator.as(operator.createKey(other, "inference")[1]);
    Reply first = developer.post("/v1/chat/completions", deterministic);
    Reply again = developer.post("/v1/chat/completions", deterministic);
    Reply elsewhere = otherDev.post("/v1/chat/completions", deterministic);
    Reply elsewhereAgain = otherDev.post("/v1/chat/completions", deterministic);
    assertThat(first.header("x-tessera-cache")).isEqualTo("miss");
    assertThat(again.header("x-tessera-cache")).isEqualTo("hit");
    assertThat(elsewhere.header("x-tessera-cache"))
        .as("another tenant, same request")
        .isEqualTo("miss");
    assertThat(elsewhereAgain.header("x-tessera-cache")).isEqualTo("hit");
    assertThat(
            again
                .json()
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .isEqualTo(
            first
                .json()
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"));
    // not deterministic: never cached
    Reply sampled = developer.post("/v1/chat/completions", QUESTION + ",\"temperature\":0.7}");
    Reply sampledAgain = developer.post("/v1/chat/completions", QUESTION + ",\"temperature\":0.7}");
    assertThat(sampled.header("x-tessera-cache")).isEqualTo("miss");
    assertThat(sampledAgain.header("x-tessera-cache")).isEqualTo("miss");
  }

  @Test
  void embeds_offline_with_minilm() {
    Reply r =
        developer.post(
            "/v1/embeddings",
            "{\"model\":\"local-minilm\",\"input\":[\"refund policy\",\"cats\"]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getJsonArray("data")).hasSize(2);
    assertThat(r.json().getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
        .hasSize(384);
    assertThat(r.header("x-tessera-model")).isEqualTo("local-minilm");

    // embeddings are cached per tenant too: the same inputs again are a hit, elsewhere a miss
    String input = "{\"model\":\"local-minilm\",\"input\":[\"unique " + System.nanoTime() + "\"]}";
    assertThat(developer.post("/v1/embeddings", input).header("x-tessera-cache")).isEqualTo("miss");
    Reply hit = developer.post("/v1/embeddings", input);
    assertThat(hit.header("x-tessera-cache")).isEqualTo("hit");
    assertThat(hit.json().getJsonArray("data").getJsonObject(0).getJsonArray("embedding"))
        .hasSize(384);
    Api other = operator.as(operator.createKey(operator.createTenant("STANDARD"), "inference")[1]);
    assertThat(other.post("/v1/embeddings", input).header("x-tessera-cache")).isEqualTo("miss");
  }

  @Test
  void errors_use_the_openai_error_shape() {
    assertOpenAiError(developer.post("/v1/chat/completions", "{not json"), 400);
    assertOpenAiError(developer.post("/v1/chat/completions", "{\"model\":\"auto\"}"), 400);
    assertOpenAiError(
        developer.post(
            "/v1/chat/completions",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}"),
        400);
    Reply unknown =
        developer.post(
            "/v1/chat/completions",
            "{\"model\":\"gpt-9-ultra\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertOpenAiError(unknown, 404);
    assertThat(unknown.json().getJsonObject("error").getString("code"))
        .isEqualTo("model_not_found");
    assertOpenAiError(operator.as(null).get("/v1/models"), 401);
    assertOpenAiError(operator.get("/v1/models"), 401);
    Api adminOnly = operator.as(operator.createKey(tenant, "admin")[1]);
    // the admin scope includes the developer's role, so it may call models too
    assertThat(adminOnly.get("/v1/models").status()).isEqualTo(200);
    Api readOnly = operator.as(operator.createKey(tenant, "read")[1]);
    assertOpenAiError(readOnly.get("/v1/models"), 403);
  }

  @Test
  void a_token_budget_overrun_is_a_429_the_sdk_recognises() {
    String small =
        operator.createTenant("STANDARD", "{\"tokensPerMinute\":600,\"keyTokensPerMinute\":600}");
    Api dev = operator.as(operator.createKey(small, "inference")[1]);
    String req =
        "{\"model\":\"auto\",\"max_tokens\":400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    assertThat(dev.post("/v1/chat/completions", req).status()).isEqualTo(200);
    Reply limited = dev.post("/v1/chat/completions", req);
    assertOpenAiError(limited, 429);
    assertThat(limited.json().getJsonObject("error").getString("code"))
        .isEqualTo("rate_limit_exceeded");
    assertThat(limited.header("Retry-After")).isNotBlank();
    assertThat(limited.header("x-ratelimit-limit-tokens")).isEqualTo("600");
  }

  @Test
  void speaks_anthropic_messages_plain_and_streamed() {
    String body =
        "{\"model\":\"auto\",\"max_tokens\":200,"
            + "\"system\":\"Refunds are accepted within 30 days of purchase. Our office cat is Miso.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"How many days for a refund?\"}]";
    Reply plain = developer.post("/v1/messages", body + "}");
    assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
    JsonObject msg = plain.json();
    assertThat(msg.getString("type")).isEqualTo("message");
    assertThat(msg.getString("role")).isEqualTo("assistant");
    assertThat(msg.getString("stop_reason")).isEqualTo("end_turn");
    assertThat(msg.getJsonArray("content").getJsonObject(0).getString("text")).contains("30 days");
    assertThat(msg.getJsonObject("usage").getInt("input_tokens")).isPositive();

    Reply streamed = developer.post("/v1/messages", body + ",\"stream\":true}");
    assertThat(streamed.status()).as(streamed.toString()).isEqualTo(200);
    List<String> events = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    String event = null;
    for (String line : streamed.body().split("\n")) {
      if (line.startsWith("event: ")) {
        event = line.substring(7);
        events.add(event);
      } else if (line.startsWith("data: ") && "content_block_delta".equals(event)) {
        text.append(
            Json.createReader(new StringReader(line.substring(6)))
                .readObject()
                .getJsonObject("delta")
                .getString("text"));
      }
    }
    assertThat(events.get(0)).isEqualTo("message_start");
    assertThat(events)
        .contains(
            "content_block_start", "content_block_delta", "content_block_stop", "message_delta");
    assertThat(events.get(events.size() - 1)).isEqualTo("message_stop");
    assertThat(text.toString()).contains("30 days");

    Reply missingMax =
        developer.post(
            "/v1/messages",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(missingMax.status()).isEqualTo(400);
    assertThat(missingMax.json().getString("type")).isEqualTo("error");
    assertThat(missingMax.json().getJsonObject("error").getString("type"))
        .isEqualTo("invalid_request_error");
  }

  @Test
  void an_idempotency_key_replays_the_first_answer_and_refuses_another_body() {
    String key = "order-" + System.nanoTime();
    Reply first = idempotent(key, QUESTION + "}");
    Reply again = idempotent(key, QUESTION + "}");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(again.json().getString("id")).isEqualTo(first.json().getString("id"));
    Reply otherBody =
        idempotent(
            key, "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"else\"}]}");
    assertOpenAiError(otherBody, 422);
    // scoped per key: another key of the same tenant may use the same Idempotency-Key freely
    Api otherKey = operator.as(operator.createKey(tenant, "inference")[1]);
    Reply fresh =
        otherKey.send(
            otherKey
                .request("/v1/chat/completions")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(QUESTION + "}")));
    assertThat(fresh.status()).isEqualTo(200);
    assertThat(fresh.header("Idempotent-Replayed")).isNull();
  }

  private static Reply idempotent(String key, String body) {
    return developer.send(
        developer
            .request("/v1/chat/completions")
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
  }

  static void assertOpenAiError(Reply r, int status) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.contentType()).startsWith("application/json");
    JsonObject error = r.json().getJsonObject("error");
    assertThat(error.getString("message")).isNotBlank();
    assertThat(error.getString("type")).isNotBlank();
    assertThat(error.containsKey("code")).isTrue();
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}

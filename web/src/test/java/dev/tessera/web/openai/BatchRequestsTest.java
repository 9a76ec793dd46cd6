package dev.tessera.web.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.routing.api.NewBatch;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

class BatchRequestsTest {
  static final String BODY =
      "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  static JsonObject json(String s) {
    try (var r = Json.createReader(new StringReader(s))) {
      return r.readObject();
    }
  }

  @Test
  void reads_inline_requests_metadata_and_webhook() {
    NewBatch b =
        BatchRequests.fromObject(
            json(
                "{\"endpoint\":\"/v1/chat/completions\",\"metadata\":{\"team\":\"a\"},"
                    + "\"webhook_url\":\"https://h.example/x\",\"requests\":["
                    + "{\"custom_id\":\"one\",\"body\":"
                    + BODY
                    + "},{\"custom_id\":\"two\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
                    + BODY
                    + "}]}"));
    assertThat(b.requests()).hasSize(2);
    assertThat(b.requests().get(1).customId()).isEqualTo("two");
    assertThat(json(b.requests().get(0).body()).getString("model")).isEqualTo("local-extractive");
    assertThat(b.metadata()).containsEntry("team", "a");
    assertThat(b.webhookUrl()).isEqualTo("https://h.example/x");
  }

  @Test
  void reads_an_openai_batch_input_file() {
    String line =
        "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":"
            + BODY
            + "}";
    NewBatch b =
        BatchRequests.fromJsonl(
            line.formatted("a") + "\n\n" + line.formatted("b") + "\r\n", "https://h.example/");
    assertThat(b.requests()).extracting(r -> r.customId()).containsExactly("a", "b");
    assertThat(b.endpoint()).isEqualTo("/v1/chat/completions");
    assertThat(b.webhookUrl()).isEqualTo("https://h.example/");
  }

  @Test
  void refuses_bad_shapes_naming_the_field() {
    assertThatThrownBy(() -> BatchRequests.fromObject(json("{}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("requests");
    assertThatThrownBy(
            () -> BatchRequests.fromObject(json("{\"requests\":[{\"custom_id\":\"a\"}]}")))
        .hasMessageContaining("requests[0].body");
    assertThatThrownBy(
            () ->
                BatchRequests.fromObject(
                    json("{\"requests\":[{\"custom_id\":\"a\",\"method\":\"GET\",\"body\":{}}]}")))
        .hasMessageContaining("requests[0].method");
    assertThatThrownBy(
            () ->
                BatchRequests.fromObject(
                    json(
                        "{\"requests\":[{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\",\"body\":{}}]}")))
        .hasMessageContaining("requests[0].url");
    assertThatThrownBy(() -> BatchRequests.fromObject(json("{\"input_file_id\":\"file-1\"}")))
        .hasMessageContaining("input_file_id");
    assertThatThrownBy(() -> BatchRequests.fromJsonl("{\"custom_id\":\"a\"\nnot json", null))
        .hasMessageContaining("line 1");
  }
}

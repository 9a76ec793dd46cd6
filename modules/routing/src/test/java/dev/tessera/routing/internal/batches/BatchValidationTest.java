package dev.tessera.routing.internal.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.BatchRequestLine;
import dev.tessera.routing.api.NewBatch;
import dev.tessera.tenancy.api.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchValidationTest {
  static final String BODY =
      "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  static NewBatch batch(List<BatchRequestLine> lines) {
    return new NewBatch(null, null, lines, Map.of(), null);
  }

  static String field(Runnable r) {
    try {
      r.run();
    } catch (InvalidInputException e) {
      return e.errors().get(0).field();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void fills_in_the_endpoint_and_window() {
    NewBatch ok =
        BatchValidation.check(batch(List.of(new BatchRequestLine("a", BODY))), 10, 10_000);
    assertThat(ok.endpoint()).isEqualTo("/v1/chat/completions");
    assertThat(ok.completionWindow()).isEqualTo("24h");
  }

  @Test
  void refuses_too_many_lines_and_oversized_bodies() {
    List<BatchRequestLine> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(new BatchRequestLine("l" + i, BODY));
    }
    assertThat(field(() -> BatchValidation.check(batch(three), 2, 10_000))).isEqualTo("requests");
    assertThat(field(() -> BatchValidation.check(batch(three), 3, 20)))
        .isEqualTo("requests[0].body");
    assertThat(field(() -> BatchValidation.check(batch(List.of()), 3, 10_000)))
        .isEqualTo("requests");
  }

  @Test
  void names_the_line_and_field_of_a_bad_body() {
    String noMessages = "{\"model\":\"x\"}";
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        batch(
                            List.of(
                                new BatchRequestLine("a", BODY),
                                new BatchRequestLine("b", noMessages))),
                        10,
                        10_000)))
        .isEqualTo("requests[1].body.messages");
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        batch(List.of(new BatchRequestLine("a", "not json"))), 10, 10_000)))
        .isEqualTo("requests[0].body");
    String streaming = BODY.replace("}]}", "}],\"stream\":true}");
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        batch(List.of(new BatchRequestLine("a", streaming))), 10, 10_000)))
        .isEqualTo("requests[0].body.stream");
  }

  @Test
  void custom_ids_are_required_and_unique() {
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        batch(
                            List.of(
                                new BatchRequestLine("a", BODY), new BatchRequestLine("a", BODY))),
                        10,
                        10_000)))
        .isEqualTo("requests[1].custom_id");
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        batch(List.of(new BatchRequestLine(" ", BODY))), 10, 10_000)))
        .isEqualTo("requests[0].custom_id");
  }

  @Test
  void only_chat_completions_in_a_24h_window() {
    List<BatchRequestLine> one = List.of(new BatchRequestLine("a", BODY));
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        new NewBatch("/v1/embeddings", null, one, Map.of(), null), 10, 10_000)))
        .isEqualTo("endpoint");
    assertThat(
            field(
                () ->
                    BatchValidation.check(
                        new NewBatch(null, "1h", one, Map.of(), null), 10, 10_000)))
        .isEqualTo("completion_window");
  }

  @Test
  void the_webhook_is_left_to_the_webhook_policy() {
    // DefaultWebhookTargets (tenancy) judges webhook URLs; validation passes them through
    List<BatchRequestLine> one = List.of(new BatchRequestLine("a", BODY));
    assertThat(
            BatchValidation.check(
                    new NewBatch(null, null, one, Map.of(), "https://hooks.example/b"), 10, 10_000)
                .webhookUrl())
        .isEqualTo("https://hooks.example/b");
  }
}

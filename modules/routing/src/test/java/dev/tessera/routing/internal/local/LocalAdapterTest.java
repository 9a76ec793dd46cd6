package dev.tessera.routing.internal.local;

import static dev.tessera.routing.internal.local.LocalFixture.ENDPOINT;
import static dev.tessera.routing.internal.local.LocalFixture.ask;
import static dev.tessera.routing.internal.local.LocalFixture.await;
import static dev.tessera.routing.internal.local.LocalFixture.failureOf;
import static dev.tessera.routing.internal.local.LocalFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolDefinition;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LocalAdapterTest {
  private static final Pattern CITATION = Pattern.compile("\\[(\\d+)]");
  private final LocalAdapter adapter = new LocalAdapter();

  private ChatResponse chat(ChatRequest request) {
    return await(adapter.chat(ENDPOINT, request, seconds(5)));
  }

  @Test
  void answers_with_the_matching_sentence_cited_by_its_message_number() {
    ChatResponse r = chat(ask("How long is the refund window?").build());

    assertThat(r.message().text()).startsWith("The refund window is 30 days from delivery [2].");
    assertThat(r.message().text()).doesNotContain("warranty", "Shipping");
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.model()).isEqualTo("local-extractive");
  }

  @Test
  void citations_point_at_the_messages_the_sentences_came_from() {
    String warranty =
        chat(ask("Does the warranty cover accidental damage?").build()).message().text();
    String both =
        chat(ask("Is shipping free, and what does the warranty cover?").build()).message().text();

    assertThat(warranty).contains("The warranty does not cover accidental damage [3].");
    assertThat(citations(warranty)).containsOnly(3);
    assertThat(both).contains("Shipping is free for orders above 50 euros [2].");
    assertThat(citations(both)).contains(2, 3).doesNotContain(1, 4);
  }

  @Test
  void the_same_request_gets_the_same_answer_whatever_the_seed() {
    ChatRequest first = ask("When are refunds paid?").seed(1L).temperature(1.5).build();
    ChatRequest second = ask("When are refunds paid?").seed(99L).build();

    assertThat(chat(first).message().text())
        .isEqualTo(chat(first).message().text())
        .isEqualTo(chat(second).message().text())
        .contains("within 5 business days [2]");
  }

  @Test
  void says_plainly_when_the_context_has_nothing_on_the_question() {
    ChatResponse r = chat(ask("What is the capital of Peru?").build());

    assertThat(r.message().text())
        .isEqualTo("I found nothing in the provided context about capital Peru.");
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void a_question_with_no_context_finds_nothing() {
    ChatRequest alone =
        ChatRequest.builder("local-extractive").message(ChatMessage.user("Hello?")).build();

    assertThat(chat(alone).message().text()).startsWith("I found nothing in the provided context");
  }

  @Test
  void respects_max_tokens_by_dropping_sentences_then_words() {
    String full = chat(ask("How are refunds handled?").build()).message().text();
    ChatResponse bySentence = chat(ask("How are refunds handled?").maxTokens(14).build());
    ChatResponse byWord = chat(ask("How are refunds handled?").maxTokens(3).build());

    assertThat(TokenEstimate.of(full)).isGreaterThan(14);
    for (ChatResponse r : List.of(bySentence, byWord)) {
      assertThat(full).startsWith(r.message().text());
      assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
    }
    assertThat(bySentence.message().text()).endsWith("[2].");
    assertThat(bySentence.usage().completionTokens()).isLessThanOrEqualTo(14);
    assertThat(byWord.message().text()).isNotBlank();
    assertThat(byWord.usage().completionTokens()).isLessThanOrEqualTo(3);
  }

  @Test
  void stops_before_the_first_stop_sequence() {
    ChatResponse r =
        chat(ask("How long is the refund window?").stop(List.of("days", "30")).build());

    assertThat(r.message().text()).isEqualTo("The refund window is ");
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void usage_estimates_the_prompt_and_the_answer() {
    ChatRequest request = ask("How long is the refund window?").build();
    ChatResponse r = chat(request);

    assertThat(r.usage().promptTokens()).isEqualTo(TokenEstimate.of(request.messages()));
    assertThat(r.usage().completionTokens()).isEqualTo(TokenEstimate.of(r.message().text()));
    assertThat(r.usage().completionTokens()).isPositive();
  }

  @Test
  void json_object_mode_answers_with_a_parseable_object() {
    ChatResponse r =
        chat(
            ask("How long is the refund window?")
                .responseFormat(ResponseFormat.JSON_OBJECT)
                .build());

    JsonObject o = parse(r.message().text());
    assertThat(o.getString("answer")).startsWith("The refund window is 30 days from delivery [2].");
  }

  @Test
  void json_schema_mode_fills_every_required_property() {
    JsonObject schema =
        parse(
            """
            {"type":"object","required":["summary","confidence","tags"],
             "properties":{"confidence":{"type":"number"},"summary":{"type":"string"},
                           "tags":{"type":"array","items":{"type":"string"}}}}""");
    ResponseFormat format = ResponseFormat.jsonSchema("reply", schema, true);

    JsonObject o =
        parse(
            chat(ask("How long is the refund window?").responseFormat(format).build())
                .message()
                .text());

    assertThat(o.getString("summary")).contains("30 days from delivery [2]");
    assertThat(o.getJsonNumber("confidence").intValue()).isZero();
    assertThat(o.getJsonArray("tags")).isEmpty();
    assertThat(o.keySet()).containsExactlyInAnyOrder("summary", "confidence", "tags");
  }

  @Test
  void json_mode_stays_valid_when_max_tokens_cuts_the_answer() {
    ChatResponse r =
        chat(
            ask("How are refunds handled?")
                .responseFormat(ResponseFormat.JSON_OBJECT)
                .maxTokens(16)
                .build());

    assertThat(parse(r.message().text()).getString("answer")).isNotBlank();
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void never_calls_tools() {
    ToolDefinition weather = new ToolDefinition("get_weather", "Weather for a city", null);
    ChatResponse r = chat(ask("How long is the refund window?").tool(weather).build());

    assertThat(r.message().toolCalls()).isEmpty();
    assertThat(r.choices().get(0).finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void ignores_the_endpoint_but_honours_its_model_mapping() {
    ProviderEndpoint mapped =
        new ProviderEndpoint(
            URI.create("http://unreachable.invalid"), "sk-x", null, null, "local-extractive");

    ChatResponse r =
        await(
            adapter.chat(
                mapped,
                ask("How long is the refund window?").build().withModel("auto"),
                seconds(5)));

    assertThat(r.message().text()).contains("[2]");
  }

  @Test
  void unknown_models_are_client_errors_naming_the_served_ones() {
    Throwable chat =
        failureOf(adapter.chat(ENDPOINT, ask("Hi").build().withModel("gpt-4o"), seconds(5)));
    Throwable embedWithChatModel =
        failureOf(
            adapter.embed(
                ENDPOINT,
                new EmbeddingRequest("local-extractive", List.of("x"), null, null),
                seconds(5)));
    StreamRecorder stream = new StreamRecorder();
    adapter.chatStream(ENDPOINT, ask("Hi").build().withModel("local-minilm"), seconds(5), stream);

    for (Throwable t : List.of(chat, embedWithChatModel, stream.awaitEnd())) {
      assertThat(t).isInstanceOf(ProviderException.class);
      ProviderException p = (ProviderException) t;
      assertThat(p.kind()).isEqualTo(ProviderException.Kind.CLIENT_ERROR);
      assertThat(p.retryable()).isFalse();
      assertThat(p.getMessage()).contains("local-extractive", "local-minilm");
    }
  }

  @Test
  void an_expired_deadline_fails_with_timeout() {
    Deadline past = new Deadline(System.nanoTime() - 1);

    Throwable t = failureOf(adapter.chat(ENDPOINT, ask("How long?").build(), past));

    assertThat(((ProviderException) t).kind()).isEqualTo(ProviderException.Kind.TIMEOUT);
  }

  private static List<Integer> citations(String text) {
    Matcher m = CITATION.matcher(text);
    List<Integer> numbers = new java.util.ArrayList<>();
    while (m.find()) {
      numbers.add(Integer.parseInt(m.group(1)));
    }
    return numbers;
  }

  private static JsonObject parse(String json) {
    return Json.createReader(new StringReader(json)).readObject();
  }
}

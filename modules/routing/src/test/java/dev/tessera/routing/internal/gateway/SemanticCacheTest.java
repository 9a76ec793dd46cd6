package dev.tessera.routing.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.routing.api.Usage;
import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The semantic cache in a lone instance, with the real all-MiniLM-L6-v2 embeddings: paraphrases
 * hit, other questions and other settings miss, tenants never share, entries expire.
 */
class SemanticCacheTest {
  static EmbeddingModel minilm;
  static final RoutingPolicy.SemanticCache POLICY = new RoutingPolicy.SemanticCache(0.9, 600);
  final TenantId tenant = new TenantId(UUID.randomUUID());
  final SemanticCache cache = new SemanticCache();

  @BeforeAll
  static void load() {
    minilm = new AllMiniLmL6V2QuantizedEmbeddingModel();
  }

  static float[] embed(String text) {
    return minilm.embed(text).content().vector();
  }

  static ChatRequest ask(String system, String question) {
    return ChatRequest.builder("m")
        .message(ChatMessage.system(system))
        .message(ChatMessage.user(question))
        .build();
  }

  static ChatResponse answer(String text) {
    return new ChatResponse(
        "chatcmpl-1",
        "m",
        List.of(new ChatChoice(0, ChatMessage.assistant(text), FinishReason.STOP)),
        new Usage(10, 5, 0));
  }

  void store(TenantId t, String system, String question, String text, long at) {
    cache.store(t, "m", ask(system, question), embed(question), answer(text), at);
  }

  java.util.Optional<ChatResponse> lookup(TenantId t, String system, String question, long at) {
    return cache.lookup(t, "m", ask(system, question), embed(question), POLICY, at);
  }

  @Test
  void a_paraphrase_gets_the_earlier_answer_and_an_unrelated_question_does_not() {
    store(tenant, "Support desk.", "How do I reset my password?", "From the account page.", 1000);
    var hit = lookup(tenant, "Support desk.", "How can I reset my password?", 1001);
    assertThat(hit).isPresent();
    assertThat(hit.get().message().text()).isEqualTo("From the account page.");
    assertThat(lookup(tenant, "Support desk.", "How long do refunds take?", 1001)).isEmpty();
  }

  @Test
  void another_tenant_or_another_setting_never_matches() {
    store(tenant, "Support desk.", "How do I reset my password?", "From the account page.", 1000);
    TenantId other = new TenantId(UUID.randomUUID());
    assertThat(lookup(other, "Support desk.", "How do I reset my password?", 1001)).isEmpty();
    assertThat(lookup(tenant, "Sales desk.", "How do I reset my password?", 1001)).isEmpty();
    assertThat(
            cache.lookup(
                tenant,
                "other-model",
                ask("Support desk.", "How do I reset my password?"),
                embed("How do I reset my password?"),
                POLICY,
                1001))
        .isEmpty();
  }

  @Test
  void entries_expire_after_the_tenants_ttl() {
    store(tenant, "Support desk.", "How do I reset my password?", "From the account page.", 1000);
    assertThat(lookup(tenant, "Support desk.", "How do I reset my password?", 1599)).isPresent();
    assertThat(lookup(tenant, "Support desk.", "How do I reset my password?", 1600)).isEmpty();
  }

  @Test
  void the_nearest_of_several_answers_wins_and_buckets_stay_bounded() {
    store(tenant, "S.", "How do I reset my password?", "reset", 1000);
    store(tenant, "S.", "How do I change my email address?", "email", 1000);
    assertThat(lookup(tenant, "S.", "How can I change my email address?", 1001).get())
        .extracting(r -> r.message().text())
        .isEqualTo("email");
    String bucket = null;
    for (int i = 0; i < SemanticCache.BUCKET_MAX + 10; i++) {
      bucket = SemanticCache.prepend("line" + i, bucket);
    }
    assertThat(bucket.split("\n")).hasSize(SemanticCache.BUCKET_MAX).startsWith("line41");
  }

  @Test
  void quantized_similarity_tracks_the_float_cosine() {
    float[] a = embed("How do I reset my password?");
    float[] b = embed("How can I reset my password?");
    double exact = 0;
    for (int i = 0; i < a.length; i++) {
      exact += a[i] * b[i];
    }
    double quantized =
        SemanticCache.similarity(SemanticCache.quantize(a), SemanticCache.quantize(b));
    assertThat(quantized).isCloseTo(exact, org.assertj.core.data.Offset.offset(0.01));
  }
}

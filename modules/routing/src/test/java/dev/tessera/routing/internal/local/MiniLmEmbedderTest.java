package dev.tessera.routing.internal.local;

import static dev.tessera.routing.internal.local.LocalFixture.ENDPOINT;
import static dev.tessera.routing.internal.local.LocalFixture.await;
import static dev.tessera.routing.internal.local.LocalFixture.failureOf;
import static dev.tessera.routing.internal.local.LocalFixture.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.ProviderException;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Runs the real quantized model; it loads once per JVM (about a second). */
class MiniLmEmbedderTest {
  private final LocalAdapter adapter = new LocalAdapter();

  private EmbeddingResponse embed(List<String> texts) {
    return await(
        adapter.embed(
            ENDPOINT, new EmbeddingRequest("local-minilm", texts, null, null), seconds(60)));
  }

  @Test
  void similar_sentences_are_closer_than_unrelated_ones() {
    EmbeddingResponse r =
        embed(
            List.of(
                "How do I get my money back?",
                "What is the refund policy?",
                "The cat sleeps on the warm windowsill."));

    assertThat(r.model()).isEqualTo("local-minilm");
    assertThat(r.data()).extracting(Embedding::index).containsExactly(0, 1, 2);
    for (Embedding e : r.data()) {
      assertThat(e.vector()).hasSize(384);
      assertThat(norm(e.vector())).isCloseTo(1.0, within(0.02));
    }
    float[] money = r.data().get(0).vector();
    float[] refund = r.data().get(1).vector();
    float[] cat = r.data().get(2).vector();
    assertThat(cosine(money, refund)).isGreaterThan(cosine(money, cat) + 0.1);
    assertThat(r.usage().promptTokens()).isPositive();
    assertThat(r.usage().completionTokens()).isZero();
  }

  @Test
  void the_same_text_gets_the_same_vector_in_any_batch() {
    List<String> many = IntStream.range(0, 40).mapToObj(i -> "Order number " + i).toList();

    EmbeddingResponse batch = embed(many);
    EmbeddingResponse single = embed(List.of("Order number 37"));

    assertThat(batch.data()).hasSize(40);
    assertThat(batch.data()).extracting(Embedding::index).isSorted();
    assertThat(batch.data().get(37).vector()).containsExactly(single.data().get(0).vector());
    assertThat(embed(List.of("Order number 37")).data()).isEqualTo(single.data());
  }

  @Test
  void rejects_other_dimensions_and_empty_input() {
    Throwable dimensions =
        failureOf(
            adapter.embed(
                ENDPOINT,
                new EmbeddingRequest("local-minilm", List.of("x"), 256, null),
                seconds(5)));
    Throwable empty =
        failureOf(
            adapter.embed(
                ENDPOINT, new EmbeddingRequest("local-minilm", List.of(), null, null), seconds(5)));

    assertThat(List.of(dimensions, empty))
        .allSatisfy(
            t ->
                assertThat(((ProviderException) t).kind())
                    .isEqualTo(ProviderException.Kind.CLIENT_ERROR));
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static double cosine(float[] a, float[] b) {
    return dot(a, b) / (norm(a) * norm(b));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}

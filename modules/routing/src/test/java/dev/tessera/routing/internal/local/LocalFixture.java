package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Conversations for the local models: a support policy as context, then a question. */
final class LocalFixture {
  static final ProviderEndpoint ENDPOINT =
      new ProviderEndpoint(URI.create("local:/"), null, null, null, null);

  static final String POLICY =
      "Our store sells refurbished laptops. The refund window is 30 days from delivery. "
          + "Refunds are paid to the original payment method within 5 business days. "
          + "Shipping is free for orders above 50 euros.";

  static final String WARRANTY =
      "Every laptop carries a 12 month warranty. The warranty does not cover accidental damage.";

  private LocalFixture() {}

  /** system instructions [1], policy [2], warranty [3], then the question [4]. */
  static ChatRequest.Builder ask(String question) {
    return ChatRequest.builder(ExtractiveModel.NAME)
        .message(ChatMessage.system("Answer from the documents only."))
        .message(ChatMessage.user(POLICY))
        .message(ChatMessage.assistant(WARRANTY))
        .message(ChatMessage.user(question));
  }

  static Deadline seconds(int n) {
    return Deadline.after(Duration.ofSeconds(n));
  }

  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The ProviderException a failed future holds. */
  static Throwable failureOf(CompletableFuture<?> future) {
    try {
      future.get(30, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

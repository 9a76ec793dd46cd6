package dev.tessera.routing.spi;

import java.util.concurrent.CompletableFuture;

/** A running streamed call: cancel it (aborting the upstream request), or await its end. */
public interface ChatStream {
  /** Aborts the upstream request; the listener receives nothing more. Idempotent. */
  void cancel();

  /**
   * Completes when the listener got {@code onComplete}, exceptionally with the same {@code
   * ProviderException} it got in {@code onError}, or cancelled after {@link #cancel()}.
   */
  CompletableFuture<Void> done();
}

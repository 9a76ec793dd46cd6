package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import java.util.concurrent.CompletableFuture;

/** A stream that failed before any request was sent (e.g. untranslatable request). */
final class FailedStream implements ChatStream {
  private final CompletableFuture<Void> done;

  private FailedStream(ProviderException failure) {
    done = CompletableFuture.failedFuture(failure);
  }

  static ChatStream of(ProviderException failure, ChatStreamListener listener) {
    listener.onError(failure);
    return new FailedStream(failure);
  }

  @Override
  public void cancel() {}

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }
}

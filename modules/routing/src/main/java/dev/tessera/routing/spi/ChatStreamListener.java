package dev.tessera.routing.spi;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ProviderException;

/**
 * Receives a streamed answer as it arrives. Calls are sequential; after {@link #onChunk} zero or
 * more times, exactly one of {@link #onComplete} or {@link #onError} follows, unless the stream is
 * cancelled, after which nothing more is delivered. A slow listener slows the upstream read.
 */
public interface ChatStreamListener {
  void onChunk(ChatChunk chunk);

  void onComplete();

  /** The failure; {@link ProviderException#partialOutput()} says whether chunks were delivered. */
  void onError(ProviderException failure);
}

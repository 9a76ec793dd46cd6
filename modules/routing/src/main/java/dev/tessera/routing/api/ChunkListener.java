package dev.tessera.routing.api;

/**
 * Receives a streamed answer from the gateway: chunks, then exactly one of {@link #onComplete} or
 * {@link #onError}, unless the stream is cancelled.
 */
public interface ChunkListener {
  void onChunk(ChatChunk chunk);

  void onComplete();

  void onError(ProviderException failure);
}

package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.ChatChunk;
import java.util.List;

/** Turns one provider's server-sent events into OpenAI-shaped chunks; one instance per stream. */
interface StreamDecoder {

  /**
   * Decodes one event ({@code event} is {@code null} when the provider names none). Throws a {@code
   * ProviderException} for an in-band error and any other exception for malformed data.
   */
  List<ChatChunk> decode(String event, String data);

  /** Whether the protocol's end marker has been seen; the stream is then complete. */
  boolean finished();

  /**
   * Called when the body ends before {@link #finished()}: the trailing chunks of a protocol that
   * ends by closing the stream (Gemini), or {@code null} when the stream was cut short.
   */
  default List<ChatChunk> endOfBody() {
    return null;
  }
}

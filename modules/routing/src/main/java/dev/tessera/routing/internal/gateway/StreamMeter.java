package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.Usage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a stream has produced so far, for billing: the provider's final usage when it sends one,
 * else the prompt estimate plus about four characters a token of streamed text.
 */
final class StreamMeter {
  private final long inputEstimate;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile Usage reported;
  private volatile String model;
  private long characters;
  private boolean any;

  StreamMeter(long inputEstimate) {
    this.inputEstimate = inputEstimate;
  }

  synchronized void observe(ChatChunk chunk) {
    if (chunk.model() != null && model == null) {
      model = chunk.model();
    }
    if (chunk.usage() != null) {
      reported = chunk.usage();
    }
    for (ChunkChoice c : chunk.choices()) {
      if (c.content() != null) {
        characters += c.content().length();
        any = true;
      }
      if (!c.toolCalls().isEmpty()) {
        characters += c.toolCalls().toString().length();
        any = true;
      }
    }
  }

  /** True once: the first caller settles, every later one (cancel after complete) does nothing. */
  boolean finish() {
    return finished.compareAndSet(false, true);
  }

  synchronized boolean any() {
    return any || reported != null;
  }

  String model() {
    return model;
  }

  synchronized Usage usage() {
    if (reported != null) {
      return reported;
    }
    int output = (int) Math.min(Integer.MAX_VALUE, (characters + 3) / 4);
    return new Usage((int) Math.min(Integer.MAX_VALUE, inputEstimate), output, 0);
  }
}

package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStreamListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects what a stream delivered and fails on a breach of the listener contract. */
final class CollectingListener implements ChatStreamListener {
  final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
  final CompletableFuture<ProviderException> end = new CompletableFuture<>();
  final AtomicInteger terminalCalls = new AtomicInteger();
  final List<String> breaches = new CopyOnWriteArrayList<>();

  @Override
  public void onChunk(ChatChunk chunk) {
    if (end.isDone()) {
      breaches.add("chunk after the end");
    }
    chunks.add(chunk);
  }

  @Override
  public void onComplete() {
    terminalCalls.incrementAndGet();
    end.complete(null);
  }

  @Override
  public void onError(ProviderException failure) {
    terminalCalls.incrementAndGet();
    end.complete(Objects.requireNonNull(failure));
  }

  /** The failure, or {@code null} when the stream completed; waits up to 10 s. */
  ProviderException awaitEnd() {
    try {
      return end.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stream did not end", e);
    }
  }

  String text() {
    StringBuilder b = new StringBuilder();
    for (ChatChunk c : chunks) {
      for (ChunkChoice choice : c.choices()) {
        if (choice.content() != null) {
          b.append(choice.content());
        }
      }
    }
    return b.toString();
  }
}

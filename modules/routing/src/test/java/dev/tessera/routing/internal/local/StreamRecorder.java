package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStreamListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Records a stream's chunks and end, and checks the listener contract as it goes. */
final class StreamRecorder implements ChatStreamListener {
  final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
  final CompletableFuture<ProviderException> end = new CompletableFuture<>();
  private final Consumer<ChatChunk> onEach;

  StreamRecorder() {
    this(c -> {});
  }

  StreamRecorder(Consumer<ChatChunk> onEach) {
    this.onEach = onEach;
  }

  @Override
  public void onChunk(ChatChunk chunk) {
    if (end.isDone()) {
      throw new AssertionError("chunk after the end");
    }
    threads.add(Thread.currentThread());
    chunks.add(chunk);
    onEach.accept(chunk);
  }

  @Override
  public void onComplete() {
    if (!end.complete(null)) {
      throw new AssertionError("second end");
    }
  }

  @Override
  public void onError(ProviderException failure) {
    if (!end.complete(Objects.requireNonNull(failure))) {
      throw new AssertionError("second end");
    }
  }

  /** Waits for the end; the failure, or {@code null} on completion. */
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

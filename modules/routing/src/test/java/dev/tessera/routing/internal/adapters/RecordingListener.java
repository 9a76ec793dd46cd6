package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ToolCallDelta;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.spi.ChatStreamListener;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records what a stream delivered and when, and checks the listener contract as it goes. */
final class RecordingListener implements ChatStreamListener {
  final List<ChatChunk> chunks = new CopyOnWriteArrayList<>();
  final CompletableFuture<ProviderException> end = new CompletableFuture<>();
  final AtomicInteger terminalCalls = new AtomicInteger();
  volatile long firstChunkNanos;

  @Override
  public void onChunk(ChatChunk chunk) {
    if (end.isDone()) {
      throw new AssertionError("chunk after the end");
    }
    if (chunks.isEmpty()) {
      firstChunkNanos = System.nanoTime();
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

  /** Waits for the end; returns the failure or {@code null} on completion. */
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

  /** Tool-call argument fragments joined per call index, as a client would assemble them. */
  Map<Integer, String> toolArguments() {
    Map<Integer, String> args = new TreeMap<>();
    for (ChatChunk c : chunks) {
      for (ChunkChoice choice : c.choices()) {
        for (ToolCallDelta d : choice.toolCalls()) {
          args.merge(d.index(), d.arguments() == null ? "" : d.arguments(), String::concat);
        }
      }
    }
    return args;
  }

  List<ToolCallDelta> toolDeltas() {
    return chunks.stream()
        .flatMap(c -> c.choices().stream())
        .flatMap(choice -> choice.toolCalls().stream())
        .toList();
  }

  List<Object> finishReasons() {
    return chunks.stream()
        .flatMap(c -> c.choices().stream())
        .map(ChunkChoice::finishReason)
        .filter(Objects::nonNull)
        .map(Object.class::cast)
        .toList();
  }

  Usage usage() {
    return chunks.stream()
        .map(ChatChunk::usage)
        .filter(Objects::nonNull)
        .reduce((a, b) -> b)
        .orElse(null);
  }
}

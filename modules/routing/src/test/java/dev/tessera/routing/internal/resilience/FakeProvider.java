package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import dev.tessera.routing.spi.ProviderEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An adapter that plays a script, one step per upstream call, then answers "ok" forever. It ignores
 * the deadline on purpose when told to hang, to prove the caller does not rely on adapters for it.
 */
final class FakeProvider implements ProviderAdapter {
  private final String kind;
  private final ConcurrentLinkedQueue<Step> script = new ConcurrentLinkedQueue<>();
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger cancels = new AtomicInteger();
  final List<String> modelsAsked = new CopyOnWriteArrayList<>();

  private sealed interface Step {}

  private record Answer(String text) implements Step {}

  private record Fail(ProviderException failure) implements Step {}

  private record Hang() implements Step {}

  private record BreakAfter(List<String> chunks) implements Step {}

  FakeProvider(String kind) {
    this.kind = kind;
  }

  FakeProvider answers(String text) {
    script.add(new Answer(text));
    return this;
  }

  FakeProvider fails(Kind k) {
    return failsWith(failure(k, null));
  }

  FakeProvider failsWith(ProviderException e) {
    script.add(new Fail(e));
    return this;
  }

  FakeProvider hangs() {
    script.add(new Hang());
    return this;
  }

  /** Streams these chunks, then breaks; a non-streamed call just fails. */
  FakeProvider streamsThenBreaks(String... chunks) {
    script.add(new BreakAfter(List.of(chunks)));
    return this;
  }

  ProviderException failure(Kind k, Duration retryAfter) {
    int status =
        switch (k) {
          case RATE_LIMITED -> 429;
          case SERVER_ERROR -> 500;
          case CLIENT_ERROR -> 400;
          case AUTH -> 401;
          default -> 0;
        };
    return new ProviderException(k, kind, status, "scripted " + k, retryAfter, false, null);
  }

  private Step next(ChatRequest request) {
    calls.incrementAndGet();
    modelsAsked.add(request.model());
    Step s = script.poll();
    return s == null ? new Answer("ok") : s;
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public CompletableFuture<ChatResponse> chat(
      ProviderEndpoint endpoint, ChatRequest request, Deadline deadline) {
    Step step = next(request);
    if (step instanceof Answer a) {
      return CompletableFuture.completedFuture(response(request.model(), a.text()));
    }
    if (step instanceof Fail f) {
      return CompletableFuture.failedFuture(f.failure());
    }
    if (step instanceof BreakAfter) {
      return CompletableFuture.failedFuture(failure(Kind.STREAM_BROKEN, null));
    }
    CompletableFuture<ChatResponse> hanging = new CompletableFuture<>();
    hanging.whenComplete(
        (r, e) -> {
          if (hanging.isCancelled()) {
            cancels.incrementAndGet();
          }
        });
    return hanging;
  }

  @Override
  public ChatStream chatStream(
      ProviderEndpoint endpoint,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener) {
    Step step = next(request);
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (step instanceof Answer a) {
      listener.onChunk(chunk(request.model(), a.text()));
      listener.onComplete();
      done.complete(null);
    } else if (step instanceof Fail f) {
      listener.onError(f.failure());
      done.completeExceptionally(f.failure());
    } else if (step instanceof BreakAfter b) {
      b.chunks().forEach(c -> listener.onChunk(chunk(request.model(), c)));
      ProviderException broken =
          failure(Kind.STREAM_BROKEN, null).withPartialOutput(!b.chunks().isEmpty());
      listener.onError(broken);
      done.completeExceptionally(broken);
    }
    return new ChatStream() {
      @Override
      public void cancel() {
        if (done.cancel(false)) {
          cancels.incrementAndGet();
        }
      }

      @Override
      public CompletableFuture<Void> done() {
        return done;
      }
    };
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(
      ProviderEndpoint endpoint, EmbeddingRequest request, Deadline deadline) {
    return CompletableFuture.failedFuture(failure(Kind.CLIENT_ERROR, null));
  }

  static ChatResponse response(String model, String text) {
    return new ChatResponse(
        "r-" + model,
        model,
        List.of(new ChatChoice(0, ChatMessage.assistant(text), FinishReason.STOP)),
        new Usage(3, 1, 0));
  }

  static ChatChunk chunk(String model, String text) {
    return new ChatChunk("c-" + model, model, List.of(ChunkChoice.text(0, text)), null);
  }
}

package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Delivers a locally computed answer chunk by chunk on a pool thread. Completion, failure, deadline
 * and {@link #cancel()} race one another; the first wins and nothing reaches the listener after it,
 * the same contract remote streams keep.
 */
final class LocalStream implements ChatStream {
  private final ChatStreamListener listener;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private boolean terminal; // guarded by this
  private boolean relayed; // guarded by this

  LocalStream(ChatStreamListener listener) {
    this.listener = listener;
  }

  /** Computes the chunks on {@code executor} and delivers them while the deadline allows. */
  LocalStream start(Executor executor, Deadline deadline, Supplier<List<ChatChunk>> chunks) {
    try {
      executor.execute(() -> run(deadline, chunks));
    } catch (RejectedExecutionException e) {
      fail(
          new ProviderException(ProviderException.Kind.SERVER_ERROR, LocalAdapter.KIND, "busy", e));
    }
    return this;
  }

  private void run(Deadline deadline, Supplier<List<ChatChunk>> chunks) {
    try {
      for (ChatChunk chunk : chunks.get()) {
        if (deadline.expired()) {
          fail(LocalAdapter.timeout(false));
          return;
        }
        if (!deliver(chunk)) {
          return; // cancelled, or failed meanwhile
        }
      }
      complete();
    } catch (ProviderException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(
          new ProviderException(
              ProviderException.Kind.SERVER_ERROR, LocalAdapter.KIND, e.toString(), e));
    }
  }

  private synchronized boolean deliver(ChatChunk chunk) {
    if (terminal) {
      return false;
    }
    relayed = true;
    listener.onChunk(chunk);
    return true;
  }

  private void complete() {
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = true;
      listener.onComplete();
    }
    done.complete(null);
  }

  /** Ends the stream with {@code failure}, unless it has already ended. */
  void fail(ProviderException failure) {
    ProviderException f;
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = true;
      f = failure.withPartialOutput(relayed);
      listener.onError(f);
    }
    done.completeExceptionally(f);
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = true;
    }
    done.cancel(false);
  }

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }
}

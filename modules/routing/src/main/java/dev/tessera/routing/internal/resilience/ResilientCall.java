package dev.tessera.routing.internal.resilience;

import java.util.concurrent.CompletableFuture;

/** A request in progress across retries and fallbacks: await how it was served, or give up. */
public interface ResilientCall {
  /**
   * Completes with the {@link Outcome}, exceptionally with a {@link CallFailedException}, or
   * cancelled after {@link #cancel()}. Cancelling this future cancels the call too.
   */
  CompletableFuture<Outcome> outcome();

  /**
   * Aborts the upstream call in flight and any retry or fallback still to come; a stream's listener
   * receives nothing more. Idempotent; for a client that went away.
   */
  void cancel();
}

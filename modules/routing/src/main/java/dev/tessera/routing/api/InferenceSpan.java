package dev.tessera.routing.api;

import io.opentelemetry.api.trace.Span;

/**
 * The span of the /v1 call the current thread serves, opened by the web layer before
 * authentication; the gateway names it {@code {operation} {model}} once it knows the model and
 * hangs routing, cache, ledger and upstream attempts beneath it. Held per thread rather than in the
 * OpenTelemetry context, so the web layer never has to close a context scope across the filters of
 * the JAX-RS pipeline (where it would interleave with the container's own).
 */
public final class InferenceSpan {
  private static final ThreadLocal<Span> CURRENT = new ThreadLocal<>();

  private InferenceSpan() {}

  /** The span of the call this thread serves, or null. */
  public static Span current() {
    return CURRENT.get();
  }

  /** This thread now serves the call of {@code span}. */
  public static void open(Span span) {
    CURRENT.set(span);
  }

  /** This thread is done with its call (the span itself is ended by whoever opened it). */
  public static void clear() {
    CURRENT.remove();
  }
}

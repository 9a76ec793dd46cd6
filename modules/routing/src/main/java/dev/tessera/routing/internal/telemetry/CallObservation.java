package dev.tessera.routing.internal.telemetry;

/**
 * One gateway call as telemetry follows it: when it began, how long it waited for providers, which
 * provider answered, and (for streams) when the first chunk went out. Attempts are settled one at a
 * time under their attempt loop's monitor, so plain volatile fields suffice.
 */
public final class CallObservation {
  private static final ThreadLocal<CallObservation> CURRENT = new ThreadLocal<>();

  final String operation;
  final long startedAt = System.nanoTime();
  volatile long upstreamNanos;
  volatile String servedProvider;
  volatile long firstChunkAt = -1;
  volatile int chunks;
  volatile String primary; // streams: the model routing chose first
  volatile Object span; // the tracer's handle, when tracing
  volatile boolean ownSpan; // opened here (else by the web layer, which ends it)

  public CallObservation(String operation) {
    this.operation = operation;
  }

  /** The call the current thread is making through the gateway, if any. */
  public static CallObservation current() {
    return CURRENT.get();
  }

  public void enter() {
    CURRENT.set(this);
  }

  public void leave() {
    CURRENT.remove();
  }

  long elapsed() {
    return System.nanoTime() - startedAt;
  }
}

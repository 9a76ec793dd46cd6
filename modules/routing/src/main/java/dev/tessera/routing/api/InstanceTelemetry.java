package dev.tessera.routing.api;

/**
 * This instance's telemetry, paused and resumed at run time without a restart: the gateway's
 * metrics and its tracing. For looking at a live problem with traces and then stopping, or for
 * pricing both on one warmed-up JVM (bench/overhead.sh). The start configuration says what exists:
 * tracing can be resumed only on an instance started with {@code OTEL_SDK_DISABLED=false}. A switch
 * holds on this instance until it is changed again or the instance restarts.
 */
public interface InstanceTelemetry {
  /**
   * {@code metrics}: the gateway's series are recorded; {@code tracing}: spans are recorded and
   * exported (subject to {@code OTEL_TRACES_SAMPLER}); {@code tracingAvailable}: this instance
   * started with an OpenTelemetry SDK, so tracing can be on.
   */
  record State(boolean metrics, boolean tracing, boolean tracingAvailable) {}

  State state();

  /** Whether spans are recorded now: read on every /v1 call, so it is one volatile read. */
  boolean tracing();

  /**
   * Turns each switch given (null: left as it is). Tracing on without an SDK is refused with a
   * {@link dev.tessera.tenancy.api.ConflictException} and changes nothing.
   */
  State set(Boolean metrics, Boolean tracing);
}

package dev.tessera.routing.api;

/**
 * Whether this instance records spans now (started with an OpenTelemetry SDK and not paused), as
 * one static volatile read for code on every request's path that should not pay for CDI proxies
 * (the web layer's arrival clock). Kept by the gateway's tracing behind {@link InstanceTelemetry};
 * everyone else only reads it.
 */
public final class TracingSwitch {
  private static volatile boolean recording;

  private TracingSwitch() {}

  /** Whether spans are recorded now. */
  public static boolean recording() {
    return recording;
  }

  /**
   * Set by the gateway's tracing ({@code GatewayTracing}) when tracing starts, pauses or resumes;
   * no other class may call it ({@code ModularityTest}).
   */
  public static void recording(boolean on) {
    recording = on;
  }
}

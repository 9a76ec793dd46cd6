package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.InstanceTelemetry;
import dev.tessera.tenancy.api.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * The run-time switches of {@link InstanceTelemetry}: metrics through {@link GenAiMetrics}, tracing
 * through {@link GatewayTracing} (Tessera's spans) and {@link PausableSampler} (every span the SDK
 * would record, Payara's included).
 */
@ApplicationScoped
public class TelemetrySwitches implements InstanceTelemetry {
  private static final Logger LOG = Logger.getLogger(TelemetrySwitches.class.getName());

  @Inject GenAiMetrics metrics;
  @Inject GatewayTracing tracing;

  @Override
  public State state() {
    return new State(metrics.enabled(), tracing.enabled(), tracing.available());
  }

  @Override
  public boolean tracing() {
    return tracing.enabled();
  }

  @Override
  public synchronized State set(Boolean metricsOn, Boolean tracingOn) {
    if (Boolean.TRUE.equals(tracingOn) && !tracing.available()) {
      throw new ConflictException(
          "tracing is not available on this instance: restart it with OTEL_SDK_DISABLED=false"
              + " (and OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT) to be able to turn it on");
    }
    State before = state();
    if (metricsOn != null) {
      metrics.switchTo(metricsOn);
    }
    if (tracingOn != null) {
      tracing.pause(!tracingOn);
    }
    State after = state();
    if (!after.equals(before)) {
      LOG.info(
          "OBS-0015 telemetry on this instance switched: metrics "
              + (after.metrics() ? "on" : "paused")
              + ", tracing "
              + (after.tracing() ? "on" : after.tracingAvailable() ? "paused" : "not available"));
    }
    return after;
  }
}

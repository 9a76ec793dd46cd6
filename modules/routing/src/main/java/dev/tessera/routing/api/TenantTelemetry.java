package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TenantId;

/**
 * Reads and changes a tenant's {@link TelemetrySettings}; a change reaches every instance within a
 * second.
 */
public interface TenantTelemetry {
  TelemetrySettings settings(TenantId tenant);

  TelemetrySettings update(TenantId tenant, TelemetrySettings settings);

  /**
   * Whether this platform lets tenants put message content in traces at all: tracing on and
   * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true.
   */
  boolean platformCapturesContent();
}

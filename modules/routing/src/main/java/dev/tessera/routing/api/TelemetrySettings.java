package dev.tessera.routing.api;

/**
 * A tenant's telemetry choices. {@code traceContent}: the tenant consents to the text of its model
 * calls (as sent upstream, PII masked; the answer before placeholders are restored) being put in
 * its spans as {@code gen_ai.input.messages} / {@code gen_ai.output.messages}. It takes effect only
 * where the platform allows it too (OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true).
 */
public record TelemetrySettings(boolean traceContent) {
  /** What a tenant that never chose gets: no content in traces. */
  public static final TelemetrySettings DEFAULTS = new TelemetrySettings(false);
}

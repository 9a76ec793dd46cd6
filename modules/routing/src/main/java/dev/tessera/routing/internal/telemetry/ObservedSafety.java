package dev.tessera.routing.internal.telemetry;

import dev.tessera.governance.api.safety.Safety;
import dev.tessera.governance.api.safety.SafetyScreen;
import dev.tessera.tenancy.api.TenantId;
import io.opentelemetry.api.trace.Span;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * Puts the safety screen of a traced call in its trace ({@code guardrails} spans, and the masked
 * message text for tenants that opted in). With tracing off it hands the screen back untouched.
 */
@Decorator
@Priority(Interceptor.Priority.APPLICATION)
public abstract class ObservedSafety implements Safety {
  @Inject @Delegate @Any Safety delegate;
  @Inject GatewayTracing tracing;
  @Inject StoredTenantTelemetry telemetry;

  @Override
  public SafetyScreen screen(TenantId tenant, String requestId) {
    SafetyScreen screen = delegate.screen(tenant, requestId);
    if (!tracing.enabled()) {
      return screen;
    }
    Span call = Span.current();
    if (!call.isRecording()) {
      return screen; // no call span, or one sampled out: nothing would be kept
    }
    // content only on the span of a gateway call, never on a span someone else opened
    boolean content = CallObservation.current() != null && telemetry.capturesContent(tenant);
    return new TracedScreen(screen, tracing, call, content);
  }
}

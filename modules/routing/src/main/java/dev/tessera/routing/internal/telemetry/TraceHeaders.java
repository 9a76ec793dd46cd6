package dev.tessera.routing.internal.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.http.HttpRequest;

/** Puts the current attempt's W3C trace context ({@code traceparent}) on a provider request. */
public final class TraceHeaders {
  private static final TextMapSetter<HttpRequest.Builder> SETTER = (b, k, v) -> b.setHeader(k, v);

  private TraceHeaders() {}

  public static void inject(HttpRequest.Builder request) {
    if (Span.current().getSpanContext().isValid()) {
      W3CTraceContextPropagator.getInstance().inject(Context.current(), request, SETTER);
    }
  }
}

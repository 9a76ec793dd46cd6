package dev.tessera.web.telemetry;

import dev.tessera.routing.api.InferenceSpan;
import dev.tessera.routing.api.TracingSwitch;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Opens the span of every /v1 call when tracing is on (OTEL_SDK_DISABLED=false): a child of the
 * caller's W3C {@code traceparent} when it sent one, started when the request arrived, with an
 * {@code auth} step (arrival to the JAX-RS pipeline, i.e. the container's authentication) and an
 * {@code admission} step (the rate limits). The gateway names it {@code {operation} {model}}; it
 * ends once the answer, streamed or not, is written.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class InferenceTracing
    implements ContainerRequestFilter, ContainerResponseFilter, WriterInterceptor {
  static final String SPAN = InferenceTracing.class.getName() + ".span";
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

  private static final TextMapGetter<MultivaluedMap<String, String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultivaluedMap<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(MultivaluedMap<String, String> carrier, String key) {
          return carrier == null ? null : carrier.getFirst(key);
        }
      };

  @Inject Instance<Tracer> tracers;

  private volatile Tracer tracer;

  /** Looked up on the first traced call: only reached with an SDK (TracingSwitch said so). */
  private Tracer tracer() {
    Tracer t = tracer;
    if (t == null) {
      t = tracer = tracers.get();
    }
    return t;
  }

  @Override
  public void filter(ContainerRequestContext request) {
    // one volatile read per request: no SDK (OTEL_SDK_DISABLED), or paused (PUT /api/v1/telemetry)
    if (!TracingSwitch.recording()) {
      return;
    }
    // registered on the /v1 application only; its model calls are traced, not its listings
    String path = request.getUriInfo().getPath();
    boolean embeddings = path.contains("embeddings");
    if (!embeddings && !path.contains("chat/completions") && !path.contains("messages")) {
      return;
    }
    Tracer t = tracer();
    long now = System.nanoTime();
    long epochNow = epochNanos();
    // Jersey keeps request properties in the servlet request's attributes: no proxy call needed
    Object arrived = request.getProperty(ArrivalClock.ARRIVED);
    long arrival = arrived instanceof Long a ? epochNow - (now - a) : epochNow;
    Context parent =
        W3CTraceContextPropagator.getInstance()
            .extract(Context.root(), request.getHeaders(), HEADERS);
    Span span =
        t.spanBuilder(embeddings ? "embeddings" : "chat")
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(arrival, TimeUnit.NANOSECONDS)
            .setAttribute("http.request.method", request.getMethod())
            .setAttribute("url.path", request.getUriInfo().getRequestUri().getPath())
            .startSpan();
    if (arrived instanceof Long && span.isRecording()) {
      t.spanBuilder("auth")
          .setParent(Context.root().with(span))
          .setStartTimestamp(arrival, TimeUnit.NANOSECONDS)
          .startSpan()
          .end(epochNow, TimeUnit.NANOSECONDS);
    }
    request.setProperty(SPAN, span);
    InferenceSpan.open(span);
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(SPAN) instanceof Span span)) {
      return;
    }
    InferenceSpan.clear();
    span.setAttribute(STATUS, (long) response.getStatus());
    if (response.getStatus() >= 500) {
      span.setStatus(StatusCode.ERROR);
    }
    if (!response.hasEntity()) {
      request.removeProperty(SPAN);
      span.end();
    }
  }

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    Object s = context.getProperty(SPAN);
    try {
      context.proceed();
    } finally {
      if (s instanceof Span span) {
        context.removeProperty(SPAN);
        span.end(); // after the last byte, streams included
      }
    }
  }

  /** Times admission: the rate-limit filter runs between these two. */
  @Provider
  @Priority(Priorities.AUTHORIZATION - 1)
  public static class AdmissionStart implements ContainerRequestFilter {
    static final String STARTED = AdmissionStart.class.getName() + ".started";

    @Override
    public void filter(ContainerRequestContext request) {
      if (request.getProperty(SPAN) instanceof Span span && span.isRecording()) {
        request.setProperty(STARTED, epochNanos());
      }
    }
  }

  /** Records the {@code admission} step once the rate limits let the request through. */
  @Provider
  @Priority(Priorities.AUTHORIZATION + 1)
  public static class AdmissionEnd implements ContainerRequestFilter {
    @Inject Instance<Tracer> tracers;

    @Override
    public void filter(ContainerRequestContext request) {
      if (request.getProperty(SPAN) instanceof Span span
          && request.getProperty(AdmissionStart.STARTED) instanceof Long started) {
        tracers
            .get()
            .spanBuilder("admission")
            .setParent(Context.root().with(span))
            .setStartTimestamp(started, TimeUnit.NANOSECONDS)
            .startSpan()
            .end();
      }
    }
  }

  static long epochNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}

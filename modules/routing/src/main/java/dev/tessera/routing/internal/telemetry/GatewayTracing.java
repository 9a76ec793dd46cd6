package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.InferenceSpan;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.TracingSwitch;
import dev.tessera.routing.internal.resilience.Deployment;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's spans, through MicroProfile Telemetry (OpenTelemetry, bundled with Payara): a span
 * {@code {operation} {model}} per call, with children for routing, cache lookups, ledger holds and
 * settles, and one CLIENT span per upstream attempt, whose context travels to the provider as W3C
 * {@code traceparent}. Off unless {@code OTEL_SDK_DISABLED=false}; spans carry models, providers,
 * token counts and error types, never prompt or answer text.
 */
@ApplicationScoped
public class GatewayTracing {
  private static final Logger LOG = Logger.getLogger(GatewayTracing.class.getName());

  @Inject Instance<Tracer> tracers;

  @Inject
  @ConfigProperty(name = "otel.sdk.disabled", defaultValue = "true")
  boolean disabled;

  private Tracer tracer;

  private final Map<NameKey, String> names = new ConcurrentHashMap<>();

  private record NameKey(String operation, String model) {}

  /**
   * Created at start, not on the first model call: the web layer's arrival clock and /v1 server
   * span read {@link TracingSwitch}, which this bean sets, before any call reaches the gateway.
   */
  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    // observing the event is enough: CDI creates the bean (and runs init) to deliver it
  }

  @PostConstruct
  void init() {
    if (!disabled) {
      try {
        tracer = tracers.get();
        LOG.info("OBS-0002 gateway tracing on");
        TracingSwitch.recording(enabled());
      } catch (RuntimeException e) {
        LOG.warning("OBS-0003 tracing asked for but no OpenTelemetry tracer is available: " + e);
      }
    }
  }

  /**
   * Whether spans are recorded now: the SDK is there and tracing is not paused. The pause is the
   * sampler's ({@link PausableSampler}), which drops every span while it holds, Payara's included.
   */
  public boolean enabled() {
    return tracer != null && !PausableSampler.paused();
  }

  /** Whether this instance started with an OpenTelemetry SDK, so tracing can be on. */
  boolean available() {
    return tracer != null;
  }

  /** Paused at run time ({@link TelemetrySwitches}): no spans of Tessera's, none sampled. */
  void pause(boolean pause) {
    PausableSampler.pause(pause);
    TracingSwitch.recording(enabled());
  }

  /**
   * Starts a call's span {@code {operation} {model}} and makes it current until closed; when the
   * web layer opened the call's span already ({@link InferenceSpan}), names that one instead.
   */
  public Scope begin(CallObservation call, String operation, String model) {
    if (!enabled()) {
      return Scope.noop();
    }
    String m = model == null || model.isBlank() ? "auto" : model;
    Span opened = InferenceSpan.current();
    if (opened != null) {
      InferenceSpan.clear(); // a call's span serves one gateway call
      opened.updateName(name(operation, m));
      opened.setAttribute("gen_ai.operation.name", operation);
      opened.setAttribute("gen_ai.request.model", m);
      call.span = opened;
      call.ownSpan = false;
      return Context.current().with(opened).makeCurrent();
    }
    Span span =
        tracer
            .spanBuilder(name(operation, m))
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute("gen_ai.operation.name", operation)
            .setAttribute("gen_ai.request.model", m)
            .startSpan();
    call.span = span;
    call.ownSpan = true;
    return span.makeCurrent();
  }

  private String name(String operation, String m) {
    NameKey key = new NameKey(operation, m);
    String name = names.get(key);
    if (name == null) {
      name = operation + " " + m;
      if (names.size() < 10_000) {
        names.put(key, name);
      }
    }
    return name;
  }

  /** Runs a step of the call under a child span of its own ({@code route}, {@code cache}, …). */
  public <T> T step(String name, java.util.function.Supplier<T> work) {
    if (tracer == null || !Span.current().isRecording()) {
      return work.get(); // outside a call, or sampled out: a child would never be exported
    }
    Span s = tracer.spanBuilder(name).startSpan();
    try (Scope ignored = s.makeCurrent()) {
      return work.get();
    } catch (RuntimeException e) {
      s.setStatus(StatusCode.ERROR);
      s.setAttribute("error.type", ErrorTypes.of(e));
      throw e;
    } finally {
      s.end();
    }
  }

  /** A child of the current span, for a step of the call; end it with {@link #end}. */
  public Object step(String name) {
    if (tracer == null || !Span.current().isRecording()) {
      return null; // outside a call (a stream's settle on another thread), or sampled out
    }
    return tracer.spanBuilder(name).startSpan();
  }

  public void end(Object step, Throwable failure) {
    if (step instanceof Span s) {
      if (failure != null) {
        s.setStatus(StatusCode.ERROR);
        s.setAttribute("error.type", ErrorTypes.of(failure));
      }
      s.end();
    }
  }

  /** Ends a call's span with what served it and how. */
  public void finish(
      CallObservation call,
      String provider,
      String responseModel,
      long inputTokens,
      long outputTokens,
      Throwable failure) {
    if (!(call.span instanceof Span s)) {
      return;
    }
    if (provider != null) {
      s.setAttribute("gen_ai.provider.name", provider);
    }
    if (responseModel != null) {
      s.setAttribute("gen_ai.response.model", responseModel);
    }
    if (failure == null) {
      s.setAttribute("gen_ai.usage.input_tokens", inputTokens);
      s.setAttribute("gen_ai.usage.output_tokens", outputTokens);
    } else {
      s.setStatus(StatusCode.ERROR);
      s.setAttribute("error.type", ErrorTypes.of(failure));
    }
    if (call.ownSpan) {
      s.end(); // else the web layer ends it, once the answer is written
    }
  }

  /**
   * Records a step of the call that has already ended (started at {@code startEpochNanos}, ending
   * now) as a child of {@code parent}: for steps whose start and end lie in different methods of
   * someone else's object (the safety screen), so no scope stays open between them.
   */
  void ended(
      Span parent, String name, long startEpochNanos, Attributes attributes, boolean failed) {
    if (tracer == null || !parent.isRecording()) {
      return; // sampled out: the child would be dropped anyway
    }
    Span s =
        tracer
            .spanBuilder(name)
            .setParent(Context.root().with(parent))
            .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
            .setAllAttributes(attributes)
            .startSpan();
    if (failed) {
      s.setStatus(StatusCode.ERROR);
    }
    s.end();
  }

  /** Now, in nanoseconds since the epoch (the clock span timestamps use). */
  static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  Object attemptStarted(Object call, Deployment d, int number) {
    if (tracer == null
        || !(call instanceof CallObservation c)
        || !(c.span instanceof Span parent)
        || !parent.isRecording()) {
      return null; // sampled out: the provider still gets the call's traceparent (not sampled)
    }
    return tracer
        .spanBuilder("attempt " + d.model())
        .setParent(Context.root().with(parent))
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", c.operation)
        .setAttribute("gen_ai.provider.name", d.providerKind())
        .setAttribute("gen_ai.request.model", d.model())
        .setAttribute("tessera.attempt", number)
        .startSpan();
  }

  void within(Object attempt, Runnable launch) {
    if (attempt instanceof Span s) {
      try (Scope ignored = s.makeCurrent()) {
        launch.run();
      }
    } else {
      launch.run();
    }
  }

  void attemptEnded(Object attempt, ProviderException failure, boolean cancelled) {
    if (attempt instanceof Span s) {
      if (cancelled) {
        s.setAttribute("tessera.cancelled", true);
      } else if (failure != null) {
        s.setStatus(StatusCode.ERROR);
        s.setAttribute("error.type", ErrorTypes.of(failure));
      }
      s.end();
    }
  }
}

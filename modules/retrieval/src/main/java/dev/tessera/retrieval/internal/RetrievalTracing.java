package dev.tessera.retrieval.internal;

import dev.tessera.routing.api.InferenceSpan;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A {@code retrieval} span around each search (the knowledge bases, k, the mode and how many hits),
 * under the span of the /v1 call it serves, when tracing is on (OTEL_SDK_DISABLED=false). The
 * question's embedding call then hangs beneath it, never in place of the call's own span.
 */
@ApplicationScoped
class RetrievalTracing {
  private static final Logger LOG = Logger.getLogger(RetrievalTracing.class.getName());
  static final AttributeKey<List<String>> KNOWLEDGE_BASES =
      AttributeKey.stringArrayKey("tessera.retrieval.knowledge_base_ids");
  static final AttributeKey<Long> K = AttributeKey.longKey("tessera.retrieval.k");
  static final AttributeKey<Long> HITS = AttributeKey.longKey("tessera.retrieval.hits");
  static final AttributeKey<String> MODE = AttributeKey.stringKey("tessera.retrieval.mode");

  @Inject Instance<Tracer> tracers;

  @Inject
  @ConfigProperty(name = "otel.sdk.disabled", defaultValue = "true")
  boolean disabled;

  private Tracer tracer;

  @PostConstruct
  void init() {
    if (!disabled) {
      try {
        tracer = tracers.get();
      } catch (RuntimeException e) {
        LOG.warning("RETR-0030 retrieval spans off: no OpenTelemetry tracer is available: " + e);
      }
    }
  }

  /** Runs a search under its span; {@code kbs} is read once the search has validated the ids. */
  List<Hit> search(int k, SearchSpec.Mode mode, Supplier<Set<UUID>> kbs, Supplier<List<Hit>> work) {
    if (tracer == null) {
      return work.get();
    }
    Span call = InferenceSpan.current();
    Context parent = call != null ? Context.root().with(call) : Context.current();
    if (!Span.fromContext(parent).isRecording()) {
      return work.get(); // outside a traced request, or sampled out: no orphan spans
    }
    Span s =
        tracer
            .spanBuilder("retrieval")
            .setParent(parent)
            .setAttribute(K, (long) k)
            .setAttribute(MODE, mode.name().toLowerCase(Locale.ROOT))
            .startSpan();
    if (call != null) {
      InferenceSpan.clear(); // the embedding call beneath must not take the call's span
    }
    try (Scope ignored = s.makeCurrent()) {
      List<Hit> hits = work.get();
      s.setAttribute(HITS, (long) hits.size());
      s.setAttribute(KNOWLEDGE_BASES, kbs.get().stream().map(UUID::toString).toList());
      return hits;
    } catch (RuntimeException e) {
      s.setStatus(StatusCode.ERROR);
      s.setAttribute("error.type", e.getClass().getSimpleName());
      throw e;
    } finally {
      s.end();
      if (call != null) {
        InferenceSpan.open(call);
      }
    }
  }
}

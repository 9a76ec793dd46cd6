package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.CacheStatus;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChunkListener;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResult;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.StreamHandle;
import dev.tessera.routing.api.UnknownModelException;
import dev.tessera.routing.api.Usage;
import dev.tessera.tenancy.api.InvalidInputException;
import io.opentelemetry.context.Scope;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures every gateway call from the outside: duration, tokens, time to first token (streams),
 * overhead, cache hits by kind and route, under GenAI-convention labels; and opens the call's span.
 * A decorator, so the request path ({@code DefaultGateway}) stays as it is.
 */
@Decorator
@Priority(Interceptor.Priority.APPLICATION)
public abstract class ObservedGateway implements Gateway {
  /** The provider label of answers Tessera gave itself (cache hits) or refused before any call. */
  static final String TESSERA = "tessera";

  @Inject @Delegate @Any Gateway delegate;
  @Inject GenAiMetrics metrics;
  @Inject GatewayTracing tracing;

  @Override
  public GatewayResult chat(GatewayCall call, ChatRequest request) {
    if (!metrics.enabled() && !tracing.enabled()) {
      return delegate.chat(call, request);
    }
    CallObservation obs = new CallObservation("chat");
    obs.enter();
    try (Scope ignored = tracing.begin(obs, "chat", request.model())) {
      GatewayResult r = delegate.chat(call, request);
      Usage u = r.response().usage();
      String provider = r.cache() == CacheStatus.MISS ? provider(obs) : TESSERA;
      if (metrics.enabled()) {
        long took = obs.elapsed();
        GenAiMetrics.Series s =
            metrics.series("chat", provider, requestModel(request.model()), r.servedModel(), "");
        s.duration(took);
        s.usage(u);
        metrics.overhead("chat", took - obs.upstreamNanos);
        metrics.count("tessera_gateway_routes", "route", r.route());
        cacheHit(r.cache(), "exact");
      }
      tracing.finish(
          obs,
          provider,
          r.servedModel(),
          u == null ? 0 : u.promptTokens(),
          u == null ? 0 : u.completionTokens(),
          null);
      return r;
    } catch (RuntimeException e) {
      failed(obs, request.model(), e);
      throw e;
    } finally {
      obs.leave();
    }
  }

  @Override
  public StreamHandle chatStream(GatewayCall call, ChatRequest request, ChunkListener listener) {
    if (!metrics.enabled() && !tracing.enabled()) {
      return delegate.chatStream(call, request, listener);
    }
    CallObservation obs = new CallObservation("chat");
    AtomicBoolean done = new AtomicBoolean();
    Usage[] usage = new Usage[1];
    String[] model = new String[1];
    obs.enter();
    try (Scope ignored = tracing.begin(obs, "chat", request.model())) {
      StreamHandle h =
          delegate.chatStream(
              call,
              request,
              new ChunkListener() {
                @Override
                public void onChunk(ChatChunk chunk) {
                  if (obs.firstChunkAt < 0) {
                    obs.firstChunkAt = System.nanoTime();
                    model[0] = chunk.model();
                  }
                  if (chunk.usage() != null) {
                    usage[0] = chunk.usage();
                  }
                  if (!chunk.choices().isEmpty()) {
                    obs.chunks++;
                  }
                  listener.onChunk(chunk);
                }

                @Override
                public void onComplete() {
                  if (done.compareAndSet(false, true)) {
                    streamEnded(obs, request, model[0], usage[0], null);
                  }
                  listener.onComplete();
                }

                @Override
                public void onError(ProviderException failure) {
                  if (done.compareAndSet(false, true)) {
                    streamEnded(obs, request, model[0], usage[0], failure);
                  }
                  listener.onError(failure);
                }

                @Override
                public void onRefused(dev.tessera.tenancy.api.TesseraException refusal) {
                  // the upstream call succeeded; the refusal is safety's verdict on the answer
                  if (done.compareAndSet(false, true)) {
                    streamEnded(obs, request, model[0], usage[0], null);
                  }
                  listener.onRefused(refusal);
                }
              });
      obs.primary = h.servedModel();
      return new StreamHandle() {
        @Override
        public String requestedModel() {
          return h.requestedModel();
        }

        @Override
        public String servedModel() {
          return h.servedModel();
        }

        @Override
        public void cancel() {
          h.cancel();
          if (done.compareAndSet(false, true)) {
            streamEnded(obs, request, model[0], usage[0], CANCELLED);
          }
        }
      };
    } catch (RuntimeException e) {
      done.set(true);
      failed(obs, request.model(), e);
      throw e;
    } finally {
      obs.leave();
    }
  }

  /** The client went away mid-stream. */
  static final RuntimeException CANCELLED = new Cancelled();

  private static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled by the client", null, false, false);
    }
  }

  private void streamEnded(
      CallObservation obs, ChatRequest request, String served, Usage usage, Throwable failure) {
    String provider = provider(obs);
    String responseModel = served == null ? "" : served;
    long took = obs.elapsed();
    long output = usage != null ? usage.completionTokens() : obs.chunks;
    if (metrics.enabled()) {
      String error = failure == null ? "" : ErrorTypes.of(failure);
      GenAiMetrics.Series s =
          metrics.series("chat", provider, requestModel(request.model()), responseModel, error);
      s.duration(took);
      s.usage(usage);
      if (obs.firstChunkAt >= 0) {
        long first = obs.firstChunkAt - obs.startedAt;
        s.streamed(first, took - first, output);
      }
      metrics.overhead("chat", took - obs.upstreamNanos);
      if (failure == null) {
        // a stream's route is known only as far as its chunks tell: served by the primary or not
        metrics.count("tessera_gateway_routes", "route", routeOf(obs, served));
      }
    }
    tracing.finish(
        obs, provider, served, usage == null ? 0 : usage.promptTokens(), output, failure);
  }

  private static String routeOf(CallObservation obs, String served) {
    return obs.primary == null || obs.primary.equals(served) ? "primary" : "fallback";
  }

  @Override
  public EmbeddingResult embed(GatewayCall call, EmbeddingRequest request) {
    if (!metrics.enabled() && !tracing.enabled()) {
      return delegate.embed(call, request);
    }
    CallObservation obs = new CallObservation("embeddings");
    obs.enter();
    try (Scope ignored = tracing.begin(obs, "embeddings", request.model())) {
      EmbeddingResult r = delegate.embed(call, request);
      Usage u = r.response().usage();
      if (metrics.enabled()) {
        GenAiMetrics.Series s =
            metrics.series(
                "embeddings",
                r.cache() == CacheStatus.HIT ? TESSERA : provider(obs),
                requestModel(request.model()),
                r.servedModel(),
                "");
        s.duration(obs.elapsed());
        s.usage(u);
        cacheHit(r.cache(), "embedding");
      }
      tracing.finish(
          obs, provider(obs), r.servedModel(), u == null ? 0 : u.promptTokens(), 0, null);
      return r;
    } catch (RuntimeException e) {
      failed(obs, request.model(), e);
      throw e;
    } finally {
      obs.leave();
    }
  }

  private void failed(CallObservation obs, String requested, RuntimeException e) {
    String error = ErrorTypes.of(e);
    if (metrics.enabled()) {
      boolean unknown = e instanceof UnknownModelException || e instanceof InvalidInputException;
      metrics
          .series(
              obs.operation,
              provider(obs),
              unknown ? "unknown" : requestModel(requested),
              "",
              error)
          .duration(obs.elapsed());
    }
    tracing.finish(obs, null, null, 0, 0, e);
  }

  private void cacheHit(CacheStatus cache, String exactKind) {
    if (cache == CacheStatus.HIT) {
      metrics.count("tessera_gateway_cache_hits", "kind", exactKind);
    } else if (cache == CacheStatus.SEMANTIC) {
      metrics.count("tessera_gateway_cache_hits", "kind", "semantic");
    }
  }

  private static String provider(CallObservation obs) {
    String p = obs.servedProvider;
    return p == null ? TESSERA : p;
  }

  /**
   * The request model label: what the client asked for (a catalog name, a built-in or tenant alias:
   * bounded by the catalog and the policies), {@code auto} when it named none. Names that do not
   * resolve are labelled {@code unknown} by the caller, so clients cannot mint series.
   */
  static String requestModel(String asked) {
    return asked == null || asked.isBlank() ? "auto" : asked;
  }
}

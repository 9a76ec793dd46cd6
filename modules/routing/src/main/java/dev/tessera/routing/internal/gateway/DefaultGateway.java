package dev.tessera.routing.internal.gateway;

import dev.tessera.routing.api.CacheStatus;
import dev.tessera.routing.api.CallReport;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ChunkListener;
import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.EmbeddingResult;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.api.ModelInfo;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.RoutingPolicy;
import dev.tessera.routing.api.StreamHandle;
import dev.tessera.routing.api.UpstreamAttempt;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.internal.local.TokenEstimate;
import dev.tessera.routing.internal.resilience.Attempt;
import dev.tessera.routing.internal.resilience.CallFailedException;
import dev.tessera.routing.internal.resilience.Outcome;
import dev.tessera.routing.internal.resilience.ResilientCall;
import dev.tessera.routing.internal.telemetry.GatewayTracing;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * The gateway's request path: route (primary and stand-ins), answer from the cache when the request
 * is deterministic, otherwise call through retries, breakers and consented fallback within the
 * deadline, and answer under the catalog name of the model that served.
 */
@ApplicationScoped
public class DefaultGateway implements Gateway {
  private static final long STARTED = System.currentTimeMillis() / 1000;

  /** The built-in model that embeds questions for the semantic cache. */
  static final String QUESTION_EMBEDDER = "local-minilm";

  private static final Logger LOG = Logger.getLogger(DefaultGateway.class.getName());

  @Inject ModelCatalog catalog;
  @Inject ResponseCache cache;
  @Inject SemanticCache semanticCache;
  @Inject Resilience resilience;
  @Inject Metering metering;
  @Inject GatewayTracing tracing;
  @Inject @Any Instance<ProviderAdapter> adapters;
  @Inject GatewaySafety safety;
  @Inject RoutePlanner planner;

  @Override
  public GatewayResult chat(GatewayCall call, ChatRequest request) {
    // governance: masked and screened before anything is held or sent; restored on the way back
    GatewaySafety.Screened screened = safety.chat(call, request);
    CallReport report = call.report();
    if (report == null) {
      return restored(call, screened);
    }
    report.sent(screened.request());
    try {
      GatewayResult r = restored(call, screened);
      report.routed(r.route(), r.servedModel());
      return r;
    } finally {
      report.safety(screened.screen().verdicts());
    }
  }

  private GatewayResult restored(GatewayCall call, GatewaySafety.Screened screened) {
    GatewayResult r =
        answer(
            call,
            screened.request(),
            a -> safety.check(screened, a, again -> repair(call, again, screened)));
    return new GatewayResult(
        safety.restore(screened, r.response()),
        r.requestedModel(),
        r.servedModel(),
        r.cache(),
        r.route());
  }

  /** One repair attempt of an answer invalid against its schema, under its own request id. */
  private ChatResponse repair(GatewayCall call, ChatRequest again, GatewaySafety.Screened s) {
    GatewayCall repairCall =
        new GatewayCall(
            call.tenant(),
            call.tier(),
            call.keyId(),
            call.requestId() + "_repair",
            call.deadline(),
            call.fallback(),
            call.tag(),
            call.report()); // its attempts and charge belong to the request's record
    return answer(repairCall, again, GatewaySafety.repairGate(s)).response();
  }

  /**
   * Routes and answers an (already screened) request; {@code gate} sees the answer before it is
   * charged or cached, and may refuse it (the hold is then released).
   */
  private GatewayResult answer(
      GatewayCall call, ChatRequest request, UnaryOperator<ChatResponse> gate) {
    RoutePlanner.Plan plan = tracing.step("route", () -> planner.plan(call, request));
    CatalogModel primary = plan.primary();
    CallReport report = call.report();
    if (report != null && report.route() == null) {
      report.routed(plan.route(), null); // a failure still shows how it was routed
    }
    boolean cacheable = ResponseCache.cacheable(request);
    if (cacheable) {
      var hit = tracing.step("cache", () -> cache.get(call.tenant(), primary.name(), request));
      if (hit.isPresent()) {
        // a hit calls no provider: billing prices it by the cache policy
        ChatResponse cached = gate.apply(hit.get());
        long charged = metering.chargeNow(call, primary, primary, cached.usage(), CacheStatus.HIT);
        if (report != null) {
          report.attempted(List.of());
          report.charged(charged);
        }
        return new GatewayResult(
            new ChatResponse(
                "chatcmpl-" + call.requestId(), primary.name(), cached.choices(), cached.usage()),
            request.model(),
            primary.name(),
            CacheStatus.HIT,
            plan.route());
      }
    }
    RoutingPolicy.SemanticCache semantic = plan.policy().semanticCache();
    float[] question = null;
    if (semantic != null && SemanticCache.eligible(request)) {
      question = embedQuestion(call, Demand.lastUserText(request));
      var near =
          semanticCache.lookup(
              call.tenant(), primary.name(), request, question, semantic, epochSecond());
      if (near.isPresent()) {
        ChatResponse cached = gate.apply(near.get());
        long charged =
            metering.chargeNow(call, primary, primary, cached.usage(), CacheStatus.SEMANTIC);
        if (report != null) {
          report.attempted(List.of());
          report.charged(charged);
        }
        return new GatewayResult(
            new ChatResponse(
                "chatcmpl-" + call.requestId(), primary.name(), cached.choices(), cached.usage()),
            request.model(),
            primary.name(),
            CacheStatus.SEMANTIC,
            plan.route());
      }
    }
    Metering.Charge charge =
        metering.open(call, primary, plan.demand().inputTokens(), plan.maxOutputTokens(request));
    Outcome outcome;
    try {
      outcome =
          charge.call(
              () -> {
                ResilientCall running =
                    resilience
                        .caller()
                        .chat(plan.deployments(), request, call.deadline(), plan.consent());
                return await(running.outcome(), call, primary, running);
              });
    } catch (RuntimeException failed) {
      if (report != null && failed instanceof CallFailedException f) {
        report.attempted(attempts(plan, f.attempts()));
      }
      throw failed;
    }
    if (report != null) {
      report.attempted(attempts(plan, outcome.attempts()));
    }
    CatalogModel served = plan.byId().get(outcome.served().id());
    ChatResponse answer = outcome.response();
    ChatResponse gated;
    try {
      gated = gate.apply(answer);
    } catch (RuntimeException refused) {
      charge.release("refused by a guardrail");
      throw refused;
    }
    Long charged = charge.settle(served, answer.usage(), CacheStatus.MISS);
    if (report != null) {
      report.charged(charged);
    }
    ChatResponse named =
        new ChatResponse(answer.id(), served.name(), gated.choices(), gated.usage());
    if (cacheable && served == primary) {
      cache.put(call.tenant(), primary.name(), request, named);
    }
    if (question != null && served == primary) {
      semanticCache.store(call.tenant(), primary.name(), request, question, named, epochSecond());
    }
    return new GatewayResult(
        named,
        request.model(),
        served.name(),
        CacheStatus.MISS,
        served == primary ? plan.route() : "fallback");
  }

  private static long epochSecond() {
    return System.currentTimeMillis() / 1000;
  }

  /**
   * The built-in embedding of a question, for the semantic cache: in-process, never sent to a
   * provider, and reused from the tenant's embeddings cache when the same text was embedded before.
   */
  private float[] embedQuestion(GatewayCall call, String text) {
    CatalogModel model = planner.anyTenant(QUESTION_EMBEDDER);
    var known = cache.embedding(call.tenant(), model.name(), text);
    if (known.isPresent()) {
      return known.get();
    }
    EmbeddingResponse r =
        await(
            adapter(model)
                .embed(
                    model.endpoint(),
                    new EmbeddingRequest(model.name(), List.of(text), null, null),
                    call.deadline()),
            call,
            model,
            null);
    float[] v = r.data().get(0).vector();
    cache.putEmbedding(call.tenant(), model.name(), text, v);
    return v;
  }

  @Override
  public StreamHandle chatStream(GatewayCall call, ChatRequest request, ChunkListener listener) {
    // governance: masked and screened before the hold; placeholders restored chunk by chunk
    GatewaySafety.Screened screened = safety.chat(call, request);
    CallReport report = call.report();
    if (report != null) {
      report.sent(screened.request());
      // the input's verdicts; the output checks at the stream's end add theirs
      report.safety(screened.screen().verdicts());
    }
    return stream(call, screened.request(), safety.stream(call, screened, listener));
  }

  private StreamHandle stream(GatewayCall call, ChatRequest request, ChunkListener listener) {
    RoutePlanner.Plan plan = tracing.step("route", () -> planner.plan(call, request));
    CatalogModel primary = plan.primary();
    CallReport report = call.report();
    if (report != null) {
      report.routed(plan.route(), null);
    }
    Metering.Charge charge =
        metering.open(call, primary, plan.demand().inputTokens(), plan.maxOutputTokens(request));
    StreamMeter produced = new StreamMeter(plan.demand().inputTokens());
    Runnable settle = () -> settleStream(call, plan, charge, produced);
    long started = System.nanoTime();
    ResilientCall running =
        charge.call(
            () ->
                resilience.caller().stream(
                    plan.deployments(),
                    request,
                    call.deadline(),
                    plan.consent(),
                    new ChatStreamListener() {
                      @Override
                      public void onChunk(ChatChunk chunk) {
                        produced.observe(chunk);
                        listener.onChunk(chunk);
                      }

                      // the end is taken from the call's outcome below, which carries its attempts

                      @Override
                      public void onComplete() {}

                      @Override
                      public void onError(ProviderException failure) {}
                    }));
    // completes right after the listener above heard the end: settle, report, then pass it on
    running
        .outcome()
        .whenComplete(
            (served, failure) -> {
              if (served != null) {
                if (report != null) {
                  report.attempted(attempts(plan, served.attempts()));
                  report.routed(
                      served.fellBack() ? "fallback" : plan.route(),
                      plan.byId().get(served.served().id()).name());
                }
                settle.run();
                listener.onComplete();
              } else if (!(failure instanceof java.util.concurrent.CancellationException)) {
                if (report != null && failure instanceof CallFailedException f) {
                  report.attempted(attempts(plan, f.attempts()));
                }
                settle.run();
                listener.onError(decisive(failure));
              } // cancelled: cancel() below settles, and the listener hears nothing more
            });
    return new StreamHandle() {
      @Override
      public String requestedModel() {
        return request.model();
      }

      @Override
      public String servedModel() {
        // a fallback before the first chunk is reported in the chunks' model field
        return primary.name();
      }

      @Override
      public void cancel() {
        running.cancel();
        if (report != null && running.outcome().isCancelled()) {
          // stopped in flight: the attempt that was streaming, as far as this call saw it
          CatalogModel serving = plan.named(produced.model());
          report.attempted(
              List.of(
                  new UpstreamAttempt(
                      serving.name(),
                      serving.providerKind(),
                      serving != primary,
                      "cancelled",
                      0,
                      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
          report.routed(serving != primary ? "fallback" : plan.route(), serving.name());
        }
        settle.run(); // the client left: what was produced is charged, the rest released
      }
    };
  }

  /** The failure a stream's listener hears: the one that decided, not the attempts' summary. */
  private static ProviderException decisive(Throwable failure) {
    if (failure instanceof CallFailedException f && f.getCause() instanceof ProviderException p) {
      return p;
    }
    if (failure instanceof ProviderException p) {
      return p;
    }
    return new ProviderException(
        ProviderException.Kind.SERVER_ERROR, "tessera", String.valueOf(failure), failure);
  }

  /** The attempts of a call as the decision log names them: catalog model, provider kind. */
  private static List<UpstreamAttempt> attempts(RoutePlanner.Plan plan, List<Attempt> made) {
    List<UpstreamAttempt> out = new ArrayList<>(made.size());
    String primary = plan.deployments().get(0).id();
    for (Attempt a : made) {
      CatalogModel m = plan.byId().get(a.deploymentId());
      ProviderException f = a.failure();
      out.add(
          new UpstreamAttempt(
              m == null ? a.deploymentId() : m.name(),
              m == null ? null : m.providerKind(),
              !primary.equals(a.deploymentId()),
              UpstreamAttempt.outcomeOf(f),
              f == null ? 0 : f.httpStatus(),
              a.took().toMillis()));
    }
    return out;
  }

  /**
   * Ends a stream's hold once: what was produced is charged (the final usage when the provider sent
   * one, else an estimate from the streamed text), nothing produced releases it all.
   */
  private void settleStream(
      GatewayCall call, RoutePlanner.Plan plan, Metering.Charge charge, StreamMeter produced) {
    if (!produced.finish()) {
      return;
    }
    CallReport report = call.report();
    try {
      CatalogModel served = plan.named(produced.model());
      Long charged = 0L;
      if (produced.any() || !charge.holds()) {
        charged = charge.settle(served, produced.usage(), CacheStatus.MISS);
      } else {
        charge.release("the stream produced nothing");
      }
      if (report != null) {
        report.charged(charged);
      }
    } catch (RuntimeException e) {
      if (report != null) {
        report.charged(null);
      }
      // never break the client's stream over metering; an unsettled hold is released by the reaper
      LOG.log(java.util.logging.Level.WARNING, "ROUTING-0602 stream settle failed", e);
    }
  }

  @Override
  public EmbeddingResult embed(GatewayCall call, EmbeddingRequest asked) {
    CatalogModel model = planner.embedding(call, asked.model());
    // governance: inputs masked before they leave; the in-process model sends nothing anywhere
    EmbeddingRequest request =
        "local".equals(model.providerKind()) ? asked : safety.embedding(call, asked);
    // per input: reuse this tenant's cached vectors, embed only what is new
    List<String> inputs = request.input();
    float[][] vectors = new float[inputs.size()][];
    List<String> missing = new ArrayList<>();
    List<Integer> missingAt = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      var hit = cache.embedding(call.tenant(), model.name(), inputs.get(i));
      if (hit.isPresent() && request.dimensions() == null) {
        vectors[i] = hit.get();
      } else {
        missing.add(inputs.get(i));
        missingAt.add(i);
      }
    }
    Usage usage = Usage.NONE;
    if (!missing.isEmpty()) {
      EmbeddingRequest routed =
          new EmbeddingRequest(model.name(), missing, request.dimensions(), request.user());
      long inputTokens = missing.stream().mapToLong(TokenEstimate::of).sum();
      Metering.Charge charge = metering.open(call, model, inputTokens, 0);
      EmbeddingResponse answer =
          charge.call(
              () ->
                  await(
                      adapter(model).embed(model.endpoint(), routed, call.deadline()),
                      call,
                      model,
                      null));
      usage = answer.usage();
      charge.settle(model, usage, CacheStatus.MISS);
      for (Embedding e : answer.data()) {
        int at = missingAt.get(e.index());
        vectors[at] = e.vector();
        if (request.dimensions() == null) {
          cache.putEmbedding(call.tenant(), model.name(), inputs.get(at), e.vector());
        }
      }
    }
    if (missing.isEmpty()) {
      metering.chargeNow(call, model, model, Usage.NONE, CacheStatus.HIT);
    }
    List<Embedding> data = new ArrayList<>();
    for (int i = 0; i < vectors.length; i++) {
      data.add(new Embedding(i, vectors[i]));
    }
    return new EmbeddingResult(
        new EmbeddingResponse(model.name(), data, usage),
        request.model(),
        model.name(),
        missing.isEmpty() ? CacheStatus.HIT : CacheStatus.MISS);
  }

  @Override
  public List<ModelInfo> models(GatewayCall call) {
    List<ModelInfo> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Router.Entitlement entitlement = planner.entitlement(call);
    for (CatalogModel.Kind kind : CatalogModel.Kind.values()) {
      for (CatalogModel m : catalog.byKind(kind)) {
        if (entitlement.allows(m) && seen.add(m.name())) {
          out.add(
              new ModelInfo(
                  m.name(), m.providerKind(), kind.name().toLowerCase(), m.tierName(), STARTED));
        }
      }
    }
    for (String alias : ModelCatalog.CHAT_ALIASES) {
      out.add(new ModelInfo(alias, "tessera", "alias", "auto", STARTED));
    }
    return out;
  }

  private ProviderAdapter adapter(CatalogModel model) {
    for (ProviderAdapter a : adapters) {
      if (a.kind().equals(model.providerKind())) {
        return a;
      }
    }
    throw new ProviderException(
        ProviderException.Kind.CLIENT_ERROR,
        model.providerKind(),
        "no adapter for provider kind '" + model.providerKind() + "'",
        null);
  }

  /** Waits for the answer, never past the deadline; failures as ProviderException. */
  private static <T> T await(
      CompletableFuture<T> future, GatewayCall call, CatalogModel model, ResilientCall running) {
    try {
      return future.get(Math.max(1, call.deadline().remaining().toMillis()), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      stop(future, running);
      throw new ProviderException(
          ProviderException.Kind.TIMEOUT, model.providerKind(), "deadline passed", e);
    } catch (ExecutionException | CompletionException e) {
      if (e.getCause() instanceof ProviderException pe) {
        throw pe;
      }
      throw new ProviderException(
          ProviderException.Kind.SERVER_ERROR,
          model.providerKind(),
          String.valueOf(e.getCause()),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(future, running);
      throw new ProviderException(
          ProviderException.Kind.TIMEOUT, model.providerKind(), "interrupted", e);
    }
  }

  private static void stop(CompletableFuture<?> future, ResilientCall running) {
    future.cancel(true);
    if (running != null) {
      running.cancel();
    }
  }
}

package dev.tessera.web.governance;

import dev.tessera.governance.api.Decision;
import dev.tessera.governance.api.DecisionAttempt;
import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.ResolvedPrompt;
import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.routing.api.CallReport;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.api.UpstreamAttempt;
import dev.tessera.routing.api.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the /v1 model resources tell the decision log about each call: one record per outcome, only
 * queued (the log writes off the request path). The input, verdicts, attempts, route and charge
 * come from the {@link CallReport} the gateway filled, so the input is what left for the provider
 * (masked), never the caller's raw messages; it is rendered by the log's writer.
 */
@ApplicationScoped
public class DecisionHook {
  @Inject DecisionLog log;

  /** A started call: the moment, prompt and evidence, filled in as the answer comes. */
  public static final class Pending {
    final GatewayCall call;
    final CallReport report;
    final ResolvedPrompt prompt;
    final String requested;
    final List<String> evidence;
    final long started = System.nanoTime();
    final Instant at = Instant.now();
    Usage usage;
    String served;

    Pending(GatewayCall call, ResolvedPrompt prompt, ChatRequest request, List<String> evidence) {
      this.call = call;
      this.report = call.report() == null ? new CallReport() : call.report();
      this.prompt = prompt;
      this.requested = request.model();
      this.evidence = evidence;
    }

    /** Keeps what a streamed chunk tells: the serving model and the final usage. */
    public void observe(ChatChunk chunk) {
      if (served == null && chunk.model() != null) {
        served = chunk.model();
      }
      if (chunk.usage() != null) {
        usage = chunk.usage();
      }
    }
  }

  /**
   * Starts the record of {@code call} (which must carry the {@link CallReport} the gateway fills);
   * {@code sources} are the retrieval sources a grounded call was given (null: not grounded).
   */
  public Pending start(
      GatewayCall call, ResolvedPrompt prompt, ChatRequest request, JsonArray sources) {
    return new Pending(call, prompt, request, sources == null ? null : evidenceIds(sources));
  }

  /** The chunk ids of the evidence (the document id where a source names no chunk). */
  static List<String> evidenceIds(JsonArray sources) {
    List<String> ids = new ArrayList<>(sources.size());
    for (JsonValue v : sources) {
      if (v instanceof JsonObject s) {
        String id = s.getString("chunk_id", null);
        ids.add(id != null ? id : s.getString("document_id", ""));
      }
    }
    return ids;
  }

  public void answered(Pending p, GatewayResult r) {
    log.record(
        decision(
            p,
            r.servedModel(),
            r.route(),
            r.cache().header(),
            r.response().usage(),
            "ok",
            null,
            false));
  }

  /** A stream ended: {@code ok}, {@code error} (mid-stream) or {@code cancelled}. */
  public void streamed(Pending p, String outcome, String error) {
    String served = p.report.served() != null ? p.report.served() : p.served;
    log.record(decision(p, served, p.report.route(), "miss", p.usage, outcome, error, true));
  }

  public void failed(Pending p, RuntimeException e, boolean streamed) {
    boolean blocked = e instanceof SafetyBlockedException;
    log.record(
        decision(
            p,
            null,
            p.report.route(),
            null,
            null,
            blocked ? "blocked" : "error",
            e.getClass().getSimpleName() + ": " + e.getMessage(),
            streamed));
  }

  private static Decision decision(
      Pending p,
      String served,
      String route,
      String cache,
      Usage u,
      String outcome,
      String error,
      boolean streamed) {
    CallReport r = p.report;
    ChatRequest sent = r.sent();
    // only a reference is kept: the log's writer renders (and hashes) it off the request path
    Supplier<String> input = sent == null ? null : () -> SentInput.text(sent);
    List<DecisionAttempt> attempts = attempts(r.attempts());
    return new Decision(
        p.call.tenant(),
        p.call.requestId(),
        p.call.keyId(),
        p.at,
        input,
        p.prompt == null ? null : p.prompt.name(),
        p.prompt == null ? null : p.prompt.version(),
        p.evidence,
        p.requested,
        served,
        route,
        route == null ? null : reason(route),
        attempts,
        attempts == null ? null : fallbacks(attempts),
        cache,
        r.safety(),
        u == null ? null : u.promptTokens(),
        u == null ? null : u.completionTokens(),
        r.charged(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.started),
        outcome,
        error,
        streamed);
  }

  private static List<DecisionAttempt> attempts(List<UpstreamAttempt> made) {
    if (made == null) {
      return null;
    }
    List<DecisionAttempt> out = new ArrayList<>(made.size());
    for (UpstreamAttempt a : made) {
      out.add(
          new DecisionAttempt(
              a.model(),
              a.provider(),
              a.fallback(),
              a.outcome(),
              a.status() == 0 ? null : a.status(),
              a.latencyMillis()));
    }
    return out;
  }

  private static int fallbacks(List<DecisionAttempt> attempts) {
    int n = 0;
    for (DecisionAttempt a : attempts) {
      if (a.fallback()) {
        n++;
      }
    }
    return n;
  }

  private static String reason(String route) {
    return switch (route) {
      case "primary" ->
          "the model the request or its alias named, or auto's pick for its difficulty";
      case "challenger" -> "the tenant's challenger share of traffic";
      case "fallback" -> "the primary failed; an allowed fallback answered";
      case "budget" -> "credits low: auto took the cheapest capable model";
      default -> route;
    };
  }
}

package dev.tessera.web.governance;

import dev.tessera.governance.api.AppliedPrompt;
import dev.tessera.governance.api.Decision;
import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.ResolvedPrompt;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.api.Usage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What the /v1 resources tell the decision log about each model call: one call per outcome, each
 * only queuing (the log writes off the request path). Guardrail verdicts and evidence ids are added
 * here when those checks report them.
 */
@ApplicationScoped
public class DecisionHook {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(DecisionHook.class.getName());

  @Inject DecisionLog log;

  /** A started call: the moment and input, filled in as the answer comes. */
  public static final class Pending {
    final GatewayCall call;
    final String input;
    final ResolvedPrompt prompt;
    final String requested;
    final long started = System.nanoTime();
    final Instant at = Instant.now();
    Usage usage;
    String served;

    Pending(GatewayCall call, AppliedPrompt applied, ChatRequest request) {
      this.call = call;
      JsonValue messages = applied.body().get("messages");
      this.input = messages == null ? null : messages.toString();
      this.prompt = applied.served();
      this.requested = request.model();
    }

    /** Keeps what a streamed chunk tells: the serving model and the final usage. */
    public void observe(ChatChunk chunk) {
      if (chunk.model() != null) {
        served = chunk.model();
      }
      if (chunk.usage() != null) {
        usage = chunk.usage();
      }
    }
  }

  public Pending start(GatewayCall call, AppliedPrompt applied, ChatRequest request) {
    return new Pending(call, applied, request);
  }

  public void answered(Pending p, GatewayResult r) {
    Usage u = r.response().usage();
    log.record(decision(p, r.servedModel(), r.route(), r.cache().header(), u, "ok", null, false));
  }

  public void streamed(Pending p, String servedModel, String outcome, String error) {
    String served = p.served != null ? p.served : servedModel;
    log.record(decision(p, served, "primary", "miss", p.usage, outcome, error, true));
  }

  public void failed(Pending p, RuntimeException e, boolean streamed) {
    log.record(
        decision(
            p,
            null,
            null,
            null,
            null,
            "error",
            e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()),
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
    return new Decision(
        p.call.tenant(),
        p.call.requestId(),
        p.call.keyId(),
        p.at,
        p.input,
        p.prompt == null ? null : p.prompt.name(),
        p.prompt == null ? null : p.prompt.version(),
        null,
        p.requested,
        served,
        route,
        route == null ? null : reason(route),
        null,
        route == null ? null : Integer.valueOf("fallback".equals(route) ? 1 : 0),
        cache,
        null,
        u == null ? null : u.promptTokens(),
        u == null ? null : u.completionTokens(),
        null,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - p.started),
        outcome,
        error,
        streamed);
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

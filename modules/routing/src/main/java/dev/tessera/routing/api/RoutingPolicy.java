package dev.tessera.routing.api;

import java.util.List;
import java.util.Map;

/**
 * How a tenant may be routed: the highest model tier it is entitled to (null: its tenant tier's
 * default, T2 for STANDARD, T3 otherwise), the regions its data may go to (null: any), its default
 * fallback consent, a champion-challenger split (a share, in percent, of the champion's traffic
 * sent to the challenger), its own aliases (a name its integrators use → a catalog model or a
 * built-in alias), a latency cap (deployments whose recent p95 exceeds it are passed over while
 * another can serve), and its opt-in semantic cache.
 */
public record RoutingPolicy(
    Integer maxTier,
    List<String> allowedRegions,
    Fallback fallback,
    String championModel,
    String challengerModel,
    int challengerShare,
    Map<String, String> aliases,
    Integer maxLatencyMs,
    SemanticCache semanticCache) {

  public static final RoutingPolicy DEFAULT =
      new RoutingPolicy(null, null, null, null, null, 0, null, null, null);

  /**
   * Answers a question close enough to one this tenant asked before (cosine similarity of the last
   * user message's embedding at or above {@code threshold}, everything else about the request
   * identical) from the earlier answer, for {@code ttlSeconds}.
   */
  public record SemanticCache(double threshold, int ttlSeconds) {}

  /**
   * The model a requested name stands for under this policy's aliases (the name itself if none).
   */
  public String resolve(String requested) {
    if (aliases == null || requested == null) {
      return requested;
    }
    return aliases.getOrDefault(requested, requested);
  }
}

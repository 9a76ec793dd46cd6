package dev.tessera.routing.api;

import java.util.List;

/**
 * How a tenant may be routed: the highest model tier it is entitled to (null: its tenant tier's
 * default, T2 for STANDARD, T3 otherwise), the regions its data may go to (null: any), its default
 * fallback consent, and a champion-challenger split (a share, in percent, of the champion's traffic
 * sent to the challenger).
 */
public record RoutingPolicy(
    Integer maxTier,
    List<String> allowedRegions,
    Fallback fallback,
    String championModel,
    String challengerModel,
    int challengerShare) {

  public static final RoutingPolicy DEFAULT = new RoutingPolicy(null, null, null, null, null, 0);
}

package dev.tessera.routing.api;

/**
 * What a tenant (or key, or request) consents to when the chosen model fails: another provider of
 * the same tier, the same or a cheaper tier, or no fallback at all.
 */
public enum Fallback {
  EQUIVALENT,
  LOWER_TIER,
  NONE
}

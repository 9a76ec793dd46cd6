package dev.tessera.billing.api;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * A spending limit over a UTC day or month, for the whole tenant, one API key or one workflow tag.
 * HARD refuses requests that would cross it (402); SOFT only alerts at its thresholds (percent).
 * {@code spent}/{@code reserved}: the current window so far.
 */
public record Budget(
    UUID id,
    Scope scope,
    String scopeValue,
    Period period,
    long limit,
    Enforcement enforcement,
    List<Integer> alertThresholds,
    String webhookUrl,
    LocalDate windowStart,
    long spent,
    long reserved,
    Instant createdAt) {

  /** What a budget counts. */
  public enum Scope {
    TENANT,
    KEY,
    TAG
  }

  /** Its window. */
  public enum Period {
    DAILY,
    MONTHLY
  }

  /** What happens at the limit. */
  public enum Enforcement {
    HARD,
    SOFT
  }
}

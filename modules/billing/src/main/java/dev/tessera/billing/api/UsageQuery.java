package dev.tessera.billing.api;

import java.time.Instant;

/** A usage report's window {@code [from, to)} and grouping. */
public record UsageQuery(Instant from, Instant to, GroupBy groupBy) {
  /** What rows are grouped by. */
  public enum GroupBy {
    DAY,
    MODEL,
    KEY,
    TAG
  }
}

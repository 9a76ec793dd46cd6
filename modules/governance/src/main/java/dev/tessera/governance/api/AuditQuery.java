package dev.tessera.governance.api;

import java.time.Instant;

/** Filters of an audit listing or export; every field optional, {@code to} exclusive. */
public record AuditQuery(Instant from, Instant to, String actor, String action) {
  public static AuditQuery all() {
    return new AuditQuery(null, null, null, null);
  }
}

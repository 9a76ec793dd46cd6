package dev.tessera.tenancy.api;

import java.time.Duration;
import java.util.List;

/** What a tier move did: per-table row counts and checksums compared between source and target. */
public record TierMoveReport(
    TenantId tenant, Tier from, Tier to, List<TableCheck> tables, Duration writesHeldFor) {

  /** One table's verification. */
  public record TableCheck(String table, long rows, String checksum) {}
}

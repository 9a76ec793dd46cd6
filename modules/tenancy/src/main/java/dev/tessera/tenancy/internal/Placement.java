package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.Tier;

/** Where a tenant's data lives and what it may do, as the catalog said when last read. */
record Placement(
    TenantId tenant,
    Tier tier,
    TenantStatus status,
    String databaseName,
    int version,
    TenantLimits limits) {

  /** The database holding the tenant's rows, given the shared database's name. */
  String database(String sharedDatabase) {
    return databaseName == null ? sharedDatabase : databaseName;
  }
}

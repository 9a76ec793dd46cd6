package dev.tessera.tenancy.api;

/** How a tenant's data and compute are isolated. */
public enum Tier {
  /** Shared database, row-level security. */
  STANDARD,
  /** Its own database (same migrations, own pool), row-level security still on. */
  PROFESSIONAL,
  /** Its own database plus its own compute lane and quotas. */
  ENTERPRISE;

  public boolean hasOwnDatabase() {
    return this != STANDARD;
  }

  public boolean hasOwnLane() {
    return this == ENTERPRISE;
  }
}

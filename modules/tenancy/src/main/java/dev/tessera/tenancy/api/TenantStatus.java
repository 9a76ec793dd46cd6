package dev.tessera.tenancy.api;

/** Lifecycle of a tenant: deletion suspends first and purges after a grace period. */
public enum TenantStatus {
  ACTIVE,
  SUSPENDED,
  PURGED
}

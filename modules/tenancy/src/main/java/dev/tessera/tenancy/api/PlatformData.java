package dev.tessera.tenancy.api;

/**
 * Runs work in one transaction on the shared database's platform tables (the catalog of tenants,
 * providers and models): data that belongs to no tenant. Tenant-owned tables stay invisible here,
 * since no tenant is set.
 */
public interface PlatformData {
  <T> T inPlatform(TenantData.Work<T> work);
}

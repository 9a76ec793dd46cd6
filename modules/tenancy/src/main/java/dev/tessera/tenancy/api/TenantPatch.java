package dev.tessera.tenancy.api;

/** A partial update of a tenant: null fields stay as they are. */
public record TenantPatch(String name, TenantLimits limits, TenantStatus status) {}

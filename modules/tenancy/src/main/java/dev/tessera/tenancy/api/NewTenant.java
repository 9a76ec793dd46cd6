package dev.tessera.tenancy.api;

/** A request to create a tenant; {@code limits} may be null for the platform defaults. */
public record NewTenant(String slug, String name, Tier tier, TenantLimits limits) {}

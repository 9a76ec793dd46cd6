package dev.tessera.tenancy.api;

/** Roles a person (user) or a credential (API key) can hold. */
public enum Role {
  PLATFORM_ADMIN,
  TENANT_ADMIN,
  DEVELOPER,
  BILLING,
  VIEWER
}

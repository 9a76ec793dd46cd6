package dev.tessera.tenancy.api;

import java.util.Set;
import java.util.UUID;

/** Who a verified API key speaks for: its tenant, its tier at verification time and its roles. */
public record KeyPrincipal(
    TenantId tenant, Tier tier, UUID keyId, String keyName, Set<Role> roles) {}

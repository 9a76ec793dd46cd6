package dev.tessera.tenancy.api;

import java.util.Optional;
import java.util.UUID;

/** A tenant's API keys, and verification of a presented key. */
public interface ApiKeys {
  IssuedApiKey create(TenantId tenant, NewApiKey request);

  Page<ApiKeyView> list(TenantId tenant, PageRequest page);

  /** Revokes the key; every instance refuses it within one second. */
  ApiKeyView revoke(TenantId tenant, UUID keyId);

  /** The principal a presented key stands for, if it is valid, unexpired and unrevoked. */
  Optional<KeyPrincipal> authenticate(String presentedKey);
}

package dev.tessera.tenancy.api;

import java.util.Optional;
import java.util.UUID;

/** A tenant's API keys, and verification of a presented key. */
public interface ApiKeys {
  IssuedApiKey create(TenantId tenant, NewApiKey request);

  Page<ApiKeyView> list(TenantId tenant, PageRequest page);

  /** Revokes the key; every instance refuses it within one second. */
  ApiKeyView revoke(TenantId tenant, UUID keyId);

  /**
   * Whether the tenant's key {@code keyId} is still unrevoked and unexpired, for work that runs on
   * a key's behalf after its request (batch lines). Answers from a cache of at most a second, so a
   * revocation stops such work within a second on every instance.
   */
  boolean isActive(TenantId tenant, UUID keyId);

  /** The principal a presented key stands for, if it is valid, unexpired and unrevoked. */
  Optional<KeyPrincipal> authenticate(String presentedKey);

  /**
   * As {@link #authenticate(String)}, for a request from {@code clientAddress}: keys not yet seen
   * valid are looked up only while that address and the claimed tenant stay under a budget of
   * failed attempts, so a flood of made-up keys cannot occupy the tenant's database connections.
   */
  default Optional<KeyPrincipal> authenticate(String presentedKey, String clientAddress) {
    return authenticate(presentedKey);
  }
}

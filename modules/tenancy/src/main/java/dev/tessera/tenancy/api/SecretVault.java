package dev.tessera.tenancy.api;

/**
 * Secrets the platform must read back (provider credentials, webhook signing secrets), encrypted at
 * rest with AES-256-GCM under the operator's master key ring ({@code TESSERA_MASTER_KEYS}).
 *
 * <p>Every secret is sealed <em>for</em> something: a binding such as {@code
 * "tenant:<id>/provider:<id>"} is the cipher's associated data, so a ciphertext copied onto another
 * tenant's or provider's row by someone who can write the table does not open there.
 */
public interface SecretVault {
  /** A ciphertext and the id of the master key that made it. */
  record Sealed(String keyId, byte[] ciphertext) {}

  /** The id of the key new secrets are sealed with (the ring's first). */
  String currentKeyId();

  /** Seals {@code plaintext} under the current key, bound to {@code binding}. */
  Sealed seal(String plaintext, String binding);

  /**
   * The plaintext; fails if the key is no longer in the ring, the ciphertext was altered, or it was
   * sealed for another binding (or before bindings existed: {@link #reseal} upgrades those).
   */
  String open(Sealed sealed, String binding);

  /**
   * The value sealed again under the current key and bound to {@code binding}, or {@code null} when
   * it already is. Accepts values sealed under any key of the ring, and values sealed before
   * bindings existed (those opened only here, by the start-up and rotation re-seal, never on the
   * request path).
   */
  Sealed reseal(Sealed sealed, String binding);

  /** The binding of a platform-wide provider's credential. */
  static String providerBinding(java.util.UUID providerId) {
    return "provider:" + providerId;
  }

  /** The binding of a secret a tenant owns: {@code kind} names the secret, {@code id} its row. */
  static String tenantBinding(TenantId tenant, String kind, Object id) {
    return "tenant:" + tenant.value() + "/" + kind + ":" + id;
  }
}

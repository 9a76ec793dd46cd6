package dev.tessera.tenancy.api;

/**
 * Secrets the platform must read back (provider credentials, webhook signing secrets), encrypted at
 * rest with AES-256-GCM under the operator's master key ring ({@code TESSERA_MASTER_KEYS}).
 */
public interface SecretVault {
  /** A ciphertext and the id of the master key that made it. */
  record Sealed(String keyId, byte[] ciphertext) {}

  /** The id of the key new secrets are sealed with (the ring's first). */
  String currentKeyId();

  Sealed seal(String plaintext);

  /** The plaintext; fails if the key is no longer in the ring or the ciphertext was altered. */
  String open(Sealed sealed);
}

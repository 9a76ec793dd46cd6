package dev.tessera.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tenancy.api.SecretVault;
import dev.tessera.tenancy.api.SecretVault.Sealed;
import dev.tessera.tenancy.api.TenantId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Sealed secrets are bound to their owner: a ciphertext moved to another row does not open. */
class CredentialVaultTest {
  private static final byte[] K1 = key(1);
  private static final byte[] K2 = key(2);
  private final TenantId tenantA = new TenantId(UUID.randomUUID());
  private final TenantId tenantB = new TenantId(UUID.randomUUID());
  private final UUID provider = UUID.randomUUID();

  @Test
  void a_secret_opens_only_for_the_binding_it_was_sealed_for() {
    CredentialVault vault = vault("k1:" + b64(K1));
    String forA = SecretVault.tenantBinding(tenantA, "provider", provider);
    Sealed sealed = vault.seal("sk-tenant-a", forA);

    assertThat(vault.open(sealed, forA)).isEqualTo("sk-tenant-a");
    // copied onto tenant B's row, or onto another provider's row of tenant A: refused
    assertThatThrownBy(
            () -> vault.open(sealed, SecretVault.tenantBinding(tenantB, "provider", provider)))
        .hasMessageContaining("TENANCY-0406");
    assertThatThrownBy(
            () ->
                vault.open(
                    sealed, SecretVault.tenantBinding(tenantA, "provider", UUID.randomUUID())))
        .hasMessageContaining("TENANCY-0406");
    assertThatThrownBy(() -> vault.open(sealed, SecretVault.providerBinding(provider)))
        .hasMessageContaining("TENANCY-0406");
  }

  @Test
  void a_value_sealed_before_bindings_opens_only_through_reseal_which_binds_it() {
    CredentialVault vault = vault("k1:" + b64(K1));
    String binding = SecretVault.providerBinding(provider);
    Sealed legacy = legacySeal("k1", K1, "sk-old", (byte) 7);

    assertThatThrownBy(() -> vault.open(legacy, binding)).hasMessageContaining("TENANCY-0407");
    // one legacy IV in 256 starts like the bound format's marker: re-seal still recognises it
    Sealed lookalike = legacySeal("k1", K1, "sk-older", (byte) 2);
    assertThatThrownBy(() -> vault.open(lookalike, binding)).hasMessageContaining("TENANCY-04");
    assertThat(vault.open(vault.reseal(lookalike, binding), binding)).isEqualTo("sk-older");
    Sealed bound = vault.reseal(legacy, binding);
    assertThat(bound).isNotNull();
    assertThat(vault.open(bound, binding)).isEqualTo("sk-old");
    assertThat(vault.reseal(bound, binding)).as("already bound under the current key").isNull();
    // re-sealing for another owner than the one it is bound to is refused, not re-bound
    assertThatThrownBy(
            () -> vault.reseal(bound, SecretVault.tenantBinding(tenantB, "provider", provider)))
        .hasMessageContaining("TENANCY-0406");
  }

  @Test
  void rotation_reseals_under_the_new_first_key_and_keeps_the_binding() {
    String binding = SecretVault.tenantBinding(tenantA, "webhook-secret", UUID.randomUUID());
    Sealed old = vault("k1:" + b64(K1)).seal("whsec_x", binding);
    CredentialVault rotated = vault("k2:" + b64(K2) + ",k1:" + b64(K1));

    assertThat(rotated.open(old, binding)).isEqualTo("whsec_x");
    Sealed fresh = rotated.reseal(old, binding);
    assertThat(fresh.keyId()).isEqualTo("k2");
    assertThat(vault("k2:" + b64(K2)).open(fresh, binding)).isEqualTo("whsec_x");
  }

  @Test
  void a_flipped_byte_or_a_missing_binding_is_refused() {
    CredentialVault vault = vault("k1:" + b64(K1));
    String binding = SecretVault.providerBinding(provider);
    Sealed sealed = vault.seal("sk", binding);
    byte[] ct = sealed.ciphertext().clone();
    ct[ct.length - 1] ^= 1;
    assertThatThrownBy(() -> vault.open(new Sealed("k1", ct), binding))
        .hasMessageContaining("TENANCY-0406");
    assertThatThrownBy(() -> vault.seal("sk", " ")).isInstanceOf(IllegalArgumentException.class);
  }

  private static CredentialVault vault(String ring) {
    CredentialVault v = new CredentialVault();
    v.configuredKeys = Optional.of(ring);
    v.load();
    return v;
  }

  /** What {@code seal} wrote before issue 8: the IV, then the ciphertext; the key id as AAD. */
  private static Sealed legacySeal(String keyId, byte[] key, String plaintext, byte firstIvByte) {
    try {
      byte[] iv = new byte[12];
      new SecureRandom().nextBytes(iv);
      iv[0] = firstIvByte;
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
      c.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return new Sealed(keyId, ByteBuffer.allocate(12 + ct.length).put(iv).put(ct).array());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    java.util.Arrays.fill(k, (byte) seed);
    return k;
  }

  private static String b64(byte[] k) {
    return Base64.getEncoder().encodeToString(k);
  }
}

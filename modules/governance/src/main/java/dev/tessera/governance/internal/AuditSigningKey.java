package dev.tessera.governance.internal;

import dev.tessera.tenancy.api.PlatformData;
import dev.tessera.tenancy.api.SecretVault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The platform key that signs audit checkpoints (HMAC-SHA256): made once, kept in the platform
 * catalog sealed under the master key ring, opened once per instance. Every instance finds the same
 * key (the first insert wins).
 */
@ApplicationScoped
public class AuditSigningKey {
  static final String KEY_ID = "audit-1";
  static final String BINDING = "platform/audit-signing-key:" + KEY_ID;

  @Inject PlatformData platform;
  @Inject SecretVault vault;

  private volatile byte[] key;

  /** The MAC of a checkpoint: tenant, entry number and entry hash. */
  byte[] sign(UUID tenant, long seq, byte[] entryHash) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key(), "HmacSHA256"));
      mac.update((tenant + "|" + seq + "|").getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(entryHash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("GOV-0002 cannot sign an audit checkpoint", e);
    }
  }

  private byte[] key() {
    byte[] k = key;
    if (k == null) {
      synchronized (this) {
        if (key == null) {
          key = loadOrCreate();
        }
        k = key;
      }
    }
    return k;
  }

  private byte[] loadOrCreate() {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    SecretVault.Sealed sealed = vault.seal(Base64.getEncoder().encodeToString(fresh), BINDING);
    return platform.inPlatform(
        c -> {
          try (PreparedStatement ins =
              c.prepareStatement(
                  "INSERT INTO platform.audit_signing_keys (id, vault_key, sealed) VALUES (?, ?, ?)"
                      + " ON CONFLICT (id) DO NOTHING")) {
            ins.setString(1, KEY_ID);
            ins.setString(2, sealed.keyId());
            ins.setBytes(3, sealed.ciphertext());
            ins.executeUpdate();
          }
          SecretVault.Sealed stored;
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT vault_key, sealed FROM platform.audit_signing_keys WHERE id = ? FOR UPDATE")) {
            ps.setString(1, KEY_ID);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              stored = new SecretVault.Sealed(rs.getString(1), rs.getBytes(2));
            }
          }
          // sealed before bindings, or under a retired master key: seal it again, bound
          SecretVault.Sealed resealed = vault.reseal(stored, BINDING);
          if (resealed != null) {
            try (PreparedStatement up =
                c.prepareStatement(
                    "UPDATE platform.audit_signing_keys SET vault_key = ?, sealed = ? WHERE id = ?")) {
              up.setString(1, resealed.keyId());
              up.setBytes(2, resealed.ciphertext());
              up.setString(3, KEY_ID);
              up.executeUpdate();
            }
            stored = resealed;
          }
          return Base64.getDecoder().decode(vault.open(stored, BINDING));
        });
  }
}

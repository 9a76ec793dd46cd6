package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.SecretVault;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link SecretVault}: AES-256-GCM under a master key from configuration. The key ring ({@code
 * TESSERA_MASTER_KEYS=id:base64,id:base64}, newest first) lets an operator rotate without downtime:
 * add a new key in front, restart instance by instance (old ciphertexts still decrypt by their key
 * id), then re-encrypt everything under the new key and drop the old one. With no key configured
 * one is generated into the data dir on first start.
 */
@ApplicationScoped
public class CredentialVault implements SecretVault {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int IV_BYTES = 12;

  /** First byte of a ciphertext bound to its owner (format 2); older ones start with the IV. */
  private static final byte BOUND = 2;

  @Inject
  @ConfigProperty(name = "tessera.master-keys")
  Optional<String> configuredKeys;

  @Inject
  @ConfigProperty(name = "tessera.data-dir", defaultValue = "./data")
  String dataDir;

  private final Map<String, byte[]> ring = new LinkedHashMap<>();
  private String currentId;

  @PostConstruct
  void load() {
    String spec = configuredKeys.filter(s -> !s.isBlank()).orElseGet(this::generatedKey);
    for (String entry : spec.split(",")) {
      String[] parts = entry.trim().split(":", 2);
      if (parts.length != 2) {
        throw new IllegalStateException(
            "TENANCY-0401 TESSERA_MASTER_KEYS entries look like id:base64");
      }
      byte[] key = Base64.getDecoder().decode(parts[1].trim());
      if (key.length != 32) {
        throw new IllegalStateException(
            "TENANCY-0402 master key '" + parts[0] + "' is not 256 bits");
      }
      ring.put(parts[0].trim(), key);
      if (currentId == null) {
        currentId = parts[0].trim();
      }
    }
  }

  private String generatedKey() {
    Path file = Path.of(dataDir).toAbsolutePath().resolve("master-key");
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(file.getParent());
      byte[] key = new byte[32];
      RANDOM.nextBytes(key);
      String spec = "k1:" + Base64.getEncoder().encodeToString(key);
      LocalSecrets.createPrivate(file, spec);
      return spec;
    } catch (IOException e) {
      throw new UncheckedIOException("TENANCY-0403 cannot read or write " + file, e);
    }
  }

  @Override
  public String currentKeyId() {
    return currentId;
  }

  @Override
  public Sealed seal(String plaintext, String binding) {
    requireBinding(binding);
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(ring.get(currentId), "AES"),
          new GCMParameterSpec(128, iv));
      c.updateAAD(boundData(currentId, binding));
      byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return new Sealed(
          currentId,
          ByteBuffer.allocate(1 + iv.length + ct.length).put(BOUND).put(iv).put(ct).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TENANCY-0404 encryption failed", e);
    }
  }

  @Override
  public String open(Sealed sealed, String binding) {
    requireBinding(binding);
    byte[] ct = sealed.ciphertext();
    if (ct.length < 1 + IV_BYTES || ct[0] != BOUND) {
      throw new IllegalStateException(
          "TENANCY-0407 credential sealed before secrets were bound to their owner;"
              + " restart the platform once to re-seal it");
    }
    try {
      return decrypt(sealed.keyId(), ct, 1, boundData(sealed.keyId(), binding));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "TENANCY-0406 credential does not decrypt for " + binding + " (tampered or moved?)", e);
    }
  }

  @Override
  public Sealed reseal(Sealed sealed, String binding) {
    requireBinding(binding);
    byte[] ct = sealed.ciphertext();
    String plain = null;
    if (ct.length > 1 + IV_BYTES && ct[0] == BOUND) {
      try {
        plain = decrypt(sealed.keyId(), ct, 1, boundData(sealed.keyId(), binding));
        if (sealed.keyId().equals(currentId)) {
          return null; // bound and under the current key already
        }
      } catch (GeneralSecurityException notBound) {
        plain = null; // a legacy value whose random IV happens to start with the marker byte
      }
    }
    if (plain == null) {
      try {
        plain = decrypt(sealed.keyId(), ct, 0, sealed.keyId().getBytes(StandardCharsets.UTF_8));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(
            "TENANCY-0406 credential does not decrypt for " + binding + " (tampered or moved?)", e);
      }
    }
    return seal(plain, binding);
  }

  private String decrypt(String keyId, byte[] ct, int offset, byte[] aad)
      throws GeneralSecurityException {
    byte[] key = ring.get(keyId);
    if (key == null) {
      throw new IllegalStateException(
          "TENANCY-0405 credential sealed with unknown master key '" + keyId + "'");
    }
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, ct, offset, IV_BYTES));
    c.updateAAD(aad);
    byte[] pt = c.doFinal(ct, offset + IV_BYTES, ct.length - offset - IV_BYTES);
    return new String(pt, StandardCharsets.UTF_8);
  }

  /** The associated data: format, key id and binding, length-prefixed so no two collide. */
  private static byte[] boundData(String keyId, String binding) {
    byte[] k = keyId.getBytes(StandardCharsets.UTF_8);
    byte[] b = binding.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + 4 + k.length + 4 + b.length)
        .put(BOUND)
        .putInt(k.length)
        .put(k)
        .putInt(b.length)
        .put(b)
        .array();
  }

  private static void requireBinding(String binding) {
    if (binding == null || binding.isBlank()) {
      throw new IllegalArgumentException("a sealed secret must be bound to its owner");
    }
  }
}

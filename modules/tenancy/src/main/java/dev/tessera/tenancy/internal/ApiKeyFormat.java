package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.TenantId;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The shape of a key: {@code tsk_<tenant, 22 chars>_<secret, 43 chars>}. The tenant part routes the
 * lookup to the tenant's database (which may be its own); the 256-bit secret is what makes the key;
 * only the SHA-256 of the whole key is stored.
 */
final class ApiKeyFormat {
  static final String PREFIX = "tsk_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int TENANT_CHARS = 22;
  private static final int SECRET_CHARS = 43;

  private ApiKeyFormat() {}

  static String issue(TenantId tenant) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    ByteBuffer b = ByteBuffer.allocate(16);
    b.putLong(tenant.value().getMostSignificantBits());
    b.putLong(tenant.value().getLeastSignificantBits());
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    return PREFIX + enc.encodeToString(b.array()) + "_" + enc.encodeToString(secret);
  }

  /** The tenant a presented key claims to belong to, if it has the shape of a key at all. */
  static Optional<TenantId> tenantOf(String key) {
    if (key == null
        || key.length() != PREFIX.length() + TENANT_CHARS + 1 + SECRET_CHARS
        || !key.startsWith(PREFIX)
        || key.charAt(PREFIX.length() + TENANT_CHARS) != '_') {
      return Optional.empty();
    }
    try {
      byte[] raw =
          Base64.getUrlDecoder()
              .decode(key.substring(PREFIX.length(), PREFIX.length() + TENANT_CHARS));
      ByteBuffer b = ByteBuffer.wrap(raw);
      return Optional.of(new TenantId(new UUID(b.getLong(), b.getLong())));
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      return Optional.empty();
    }
  }

  /** What listings show: enough to tell keys apart, far too little to use. */
  static String displayPrefix(String key) {
    return key.substring(0, PREFIX.length() + TENANT_CHARS + 5) + "…";
  }
}

package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.ApiKeyScope;
import dev.tessera.tenancy.api.ApiKeyView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A tenant's API key (public.api_keys, tenant-owned); holds only the key's hash. */
@Entity
@Table(name = "api_keys")
class ApiKeyRecord {
  @Id UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  UUID tenantId;

  @Column(nullable = false)
  String name;

  @Column(name = "display_prefix", nullable = false)
  String displayPrefix;

  @Column(name = "secret_hash", nullable = false)
  byte[] secretHash;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, columnDefinition = "text[]")
  String[] scopes;

  @Column(name = "created_by")
  UUID createdBy;

  @Column(name = "created_at", nullable = false)
  Instant createdAt;

  @Column(name = "expires_at")
  Instant expiresAt;

  @Column(name = "revoked_at")
  Instant revokedAt;

  @Column(name = "last_used_at")
  Instant lastUsedAt;

  EnumSet<ApiKeyScope> scopeSet() {
    return Arrays.stream(scopes)
        .map(ApiKeyScope::fromWire)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(ApiKeyScope.class)));
  }

  ApiKeyView toView() {
    return new ApiKeyView(
        id, name, displayPrefix, scopeSet(), createdAt, expiresAt, revokedAt, lastUsedAt);
  }
}

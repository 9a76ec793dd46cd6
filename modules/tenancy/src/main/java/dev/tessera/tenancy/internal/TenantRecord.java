package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tier;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** A row of the platform catalog (platform.tenants, in the shared database). */
@Entity
@Table(schema = "platform", name = "tenants")
class TenantRecord {
  @Id UUID id;

  @Column(nullable = false)
  String slug;

  @Column(nullable = false)
  String name;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  Tier tier;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false)
  TenantStatus status;

  @Column(name = "database_name")
  String databaseName;

  @Column(name = "placement_version", nullable = false)
  int placementVersion;

  @Column(name = "requests_per_minute", nullable = false)
  int requestsPerMinute;

  @Column(name = "tokens_per_minute", nullable = false)
  int tokensPerMinute;

  @Column(name = "max_concurrent_requests", nullable = false)
  int maxConcurrentRequests;

  @Column(name = "key_requests_per_minute", nullable = false)
  int keyRequestsPerMinute;

  @Column(name = "key_tokens_per_minute", nullable = false)
  int keyTokensPerMinute;

  @Column(name = "created_at", nullable = false)
  Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  Instant updatedAt;

  @Column(name = "suspended_at")
  Instant suspendedAt;

  @Column(name = "purge_after")
  Instant purgeAfter;

  TenantLimits limits() {
    return new TenantLimits(
        requestsPerMinute,
        tokensPerMinute,
        maxConcurrentRequests,
        keyRequestsPerMinute,
        keyTokensPerMinute);
  }

  void setLimits(TenantLimits l) {
    requestsPerMinute = l.requestsPerMinute();
    tokensPerMinute = l.tokensPerMinute();
    maxConcurrentRequests = l.maxConcurrentRequests();
    keyRequestsPerMinute = l.keyRequestsPerMinute();
    keyTokensPerMinute = l.keyTokensPerMinute();
  }

  TenantView toView() {
    return new TenantView(
        new TenantId(id), slug, name, tier, status, limits(), createdAt, purgeAfter);
  }

  Placement placement() {
    return new Placement(new TenantId(id), tier, status, databaseName, placementVersion, limits());
  }
}

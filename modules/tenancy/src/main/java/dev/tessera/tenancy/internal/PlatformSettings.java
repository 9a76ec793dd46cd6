package dev.tessera.tenancy.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every setting of the data layer. Each has an environment-variable form, e.g. {@code
 * tessera.db.url} is {@code TESSERA_DB_URL}; the README lists them all.
 */
@ApplicationScoped
public class PlatformSettings {
  @Inject
  @ConfigProperty(name = "tessera.data-dir", defaultValue = "./data")
  String dataDir;

  @Inject
  @ConfigProperty(name = "tessera.db.url")
  Optional<String> dbUrl;

  /** A read replica for analytics (usage reports); unset: analytics read the primary. */
  @Inject
  @ConfigProperty(name = "tessera.db.replica-url")
  Optional<String> replicaUrl;

  @Inject
  @ConfigProperty(name = "tessera.db.user", defaultValue = "postgres")
  String dbUser;

  @Inject
  @ConfigProperty(name = "tessera.db.password")
  Optional<String> dbPassword;

  @Inject
  @ConfigProperty(name = "tessera.db.app-password")
  Optional<String> appPassword;

  @Inject
  @ConfigProperty(name = "tessera.db.embedded-port", defaultValue = "0")
  int embeddedPort;

  @Inject
  @ConfigProperty(name = "tessera.db.pool-size", defaultValue = "16")
  int poolSize;

  @Inject
  @ConfigProperty(name = "tessera.db.tenant-pool-size", defaultValue = "4")
  int tenantPoolSize;

  @Inject
  @ConfigProperty(name = "tessera.db.ledger-pool-size", defaultValue = "16")
  int ledgerPoolSize;

  @Inject
  @ConfigProperty(name = "tessera.admin-token")
  Optional<String> adminToken;

  @Inject
  @ConfigProperty(name = "tessera.tenants.purge-grace", defaultValue = "P7D")
  String purgeGrace;

  @Inject
  @ConfigProperty(name = "tessera.tenants.purge-interval", defaultValue = "PT1M")
  String purgeInterval;

  @Inject
  @ConfigProperty(name = "tessera.limits.requests-per-minute", defaultValue = "600")
  int defaultRpm;

  @Inject
  @ConfigProperty(name = "tessera.limits.tokens-per-minute", defaultValue = "200000")
  int defaultTpm;

  @Inject
  @ConfigProperty(name = "tessera.limits.max-concurrent-requests", defaultValue = "32")
  int defaultConcurrency;

  @Inject
  @ConfigProperty(name = "tessera.limits.key-requests-per-minute", defaultValue = "300")
  int defaultKeyRpm;

  @Inject
  @ConfigProperty(name = "tessera.limits.key-tokens-per-minute", defaultValue = "100000")
  int defaultKeyTpm;

  @Inject
  @ConfigProperty(name = "tessera.lanes.shared-capacity", defaultValue = "64")
  int sharedLaneCapacity;

  @Inject
  @ConfigProperty(name = "tessera.lanes.enterprise-capacity", defaultValue = "16")
  int enterpriseLaneCapacity;

  @Inject
  @ConfigProperty(name = "tessera.lanes.batch-capacity", defaultValue = "8")
  int batchLaneCapacity;

  public Path dataDir() {
    return Path.of(dataDir).toAbsolutePath().normalize();
  }

  public boolean embeddedDatabase() {
    return dbUrl.filter(u -> !u.isBlank()).isEmpty();
  }

  public Optional<String> externalUrl() {
    return dbUrl.filter(u -> !u.isBlank());
  }

  public String dbUser() {
    return dbUser;
  }

  public String dbPassword() {
    return dbPassword.orElse("");
  }

  public Optional<String> appPassword() {
    return appPassword.filter(p -> !p.isBlank());
  }

  public int embeddedPort() {
    return embeddedPort;
  }

  public int poolSize() {
    return poolSize;
  }

  public int tenantPoolSize() {
    return tenantPoolSize;
  }

  public int ledgerPoolSize() {
    return ledgerPoolSize;
  }

  public Optional<String> adminToken() {
    return adminToken.filter(t -> !t.isBlank());
  }

  public Duration purgeGrace() {
    return Duration.parse(purgeGrace);
  }

  public Duration purgeInterval() {
    return Duration.parse(purgeInterval);
  }

  public int sharedLaneCapacity() {
    return sharedLaneCapacity;
  }

  public int enterpriseLaneCapacity() {
    return enterpriseLaneCapacity;
  }

  public int batchLaneCapacity() {
    return batchLaneCapacity;
  }

  public dev.tessera.tenancy.api.TenantLimits defaultLimits() {
    return new dev.tessera.tenancy.api.TenantLimits(
        defaultRpm, defaultTpm, defaultConcurrency, defaultKeyRpm, defaultKeyTpm);
  }

  Optional<String> replicaUrl() {
    return replicaUrl.filter(u -> !u.isBlank());
  }
}

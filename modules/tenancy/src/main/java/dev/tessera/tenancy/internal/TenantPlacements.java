package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hibernate.Session;

/**
 * Where each tenant lives, read from the catalog and kept for at most a second, so a tier change,
 * suspension or new limit reaches every instance within that second. A stale placement is also
 * caught by the residency check at the start of every tenant transaction.
 */
@ApplicationScoped
class TenantPlacements {
  private static final long TTL_NANOS = 1_000_000_000L;

  @Inject DataLayerStartup platform;

  private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();
  private final AtomicLong invalidations = new AtomicLong();

  private record Cached(Placement placement, long readAt) {}

  Optional<Placement> find(TenantId tenant) {
    Cached c = cache.get(tenant);
    long now = System.nanoTime();
    if (c != null && now - c.readAt() < TTL_NANOS) {
      return Optional.of(c.placement());
    }
    long generation = invalidations.get();
    Optional<Placement> fresh = read(tenant);
    fresh.ifPresentOrElse(
        p -> {
          if (cache.size() > 100_000) {
            cache.clear();
          }
          cache.put(tenant, new Cached(p, now));
          // a read that raced an invalidation (a tier move switching the catalog) may be the old
          // placement: it must not outlive the invalidation in the cache
          if (invalidations.get() != generation) {
            cache.remove(tenant);
          }
        },
        () -> cache.remove(tenant));
    return fresh;
  }

  Placement get(TenantId tenant) {
    return find(tenant).orElseThrow(() -> new NotFoundException("tenant", tenant));
  }

  void invalidate(TenantId tenant) {
    invalidations.incrementAndGet();
    cache.remove(tenant);
  }

  String databaseOf(Placement p) {
    return p.database(platform.server().sharedDatabase());
  }

  private Optional<Placement> read(TenantId tenant) {
    try (Session s = platform.store().open(platform.server().sharedDatabase())) {
      TenantRecord r = s.find(TenantRecord.class, tenant.value());
      return Optional.ofNullable(r).map(TenantRecord::placement);
    }
  }
}

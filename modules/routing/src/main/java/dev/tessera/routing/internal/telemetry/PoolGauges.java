package dev.tessera.routing.internal.telemetry;

import dev.tessera.tenancy.api.DatabasePools;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Database connection pool saturation of this instance: {@code tessera_db_pool_connections{pool,
 * state}} (state {@code active}, {@code idle}, {@code max}, {@code waiting}) and {@code
 * tessera_db_pool_saturation{pool}}, the fullest single pool's share of its maximum in use. Read
 * from the pools when /metrics is scraped, never on the request path.
 */
@ApplicationScoped
public class PoolGauges {
  static final List<String> POOLS = List.of("shared", "dedicated", "replica", "ledger");

  @Inject DatabasePools pools;
  @Inject GenAiMetrics metrics;

  void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
    metrics.whenEnabled(this::registerGauges);
  }

  private void registerGauges() {
    for (String pool : POOLS) {
      gauge(pool, "active", u -> u.active());
      gauge(pool, "idle", u -> u.idle());
      gauge(pool, "max", u -> u.max());
      gauge(pool, "waiting", u -> u.waiting());
      metrics.gaugeOnce(
          "pool." + pool,
          "tessera_db_pool_saturation",
          () -> read(pool, DatabasePools.PoolUsage::fullest),
          new Tag("pool", pool));
    }
  }

  private void gauge(String pool, String state, ToDoubleFunction<DatabasePools.PoolUsage> value) {
    metrics.gaugeOnce(
        "pool." + pool + "." + state,
        "tessera_db_pool_connections",
        () -> read(pool, value),
        new Tag("pool", pool),
        new Tag("state", state));
  }

  /** The condition of the TesseraDbPoolSaturated rule, for one reading. */
  static boolean saturated(DatabasePools.PoolUsage u) {
    return u.fullest() >= 0.9 || u.waiting() > 0;
  }

  /** A pool kind that is not open (no dedicated databases, no replica) reads 0. */
  private double read(String pool, ToDoubleFunction<DatabasePools.PoolUsage> value) {
    for (DatabasePools.PoolUsage u : pools.usage()) {
      if (u.pool().equals(pool)) {
        return value.applyAsDouble(u);
      }
    }
    return 0;
  }
}

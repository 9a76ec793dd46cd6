package dev.tessera.tenancy.api;

import java.util.List;

/**
 * How full this instance's database connection pools are, for /metrics and alerts. Pools are
 * reported by kind, so the series stay bounded however many tenants have a database of their own.
 */
public interface DatabasePools {
  /**
   * One reading per kind of pool that is open: {@code shared} (the shared database), {@code
   * dedicated} (summed over tenants' own databases), {@code replica} (analytics reads), {@code
   * ledger} (the ledger's writes, summed over databases).
   */
  List<PoolUsage> usage();

  /**
   * Connections in use ({@code active}), open and free ({@code idle}), the most the pools may open
   * ({@code max}), threads waiting for one ({@code waiting}), and the fullest single pool's share
   * of its maximum in use ({@code fullest}, 0..1).
   */
  record PoolUsage(String pool, int active, int idle, int max, int waiting, double fullest) {}
}

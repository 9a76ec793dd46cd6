package dev.tessera.billing.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reserve + settle against Tessera's ledger functions exactly as the gateway runs them, committed
 * with PostgreSQL's durability as configured (printed). Mode {@code per-op}: per request one
 * transaction that holds the worst case, then one that settles, each billing_apply(tenant, ...)
 * (which enters the tenant itself, V53) and its commit: the gateway with
 * TESSERA_BILLING_GROUP_COMMIT=false. Mode {@code group}: the
 * gateway's group commit, Tessera's own GroupCommit and LedgerApply classes from its billing jar:
 * each thread submits its hold and then its settle, and whoever finds the tenant idle writes all
 * that arrived meanwhile in one transaction (tessera_meta.billing_apply). Mode {@code lease}: the
 * gateway for a tenant with credit to spare (V54): one lease per tenant taken up front, each call
 * admitted in memory against it and charged through GroupCommit and LeaseSql, one
 * billing_lease_charge(tenant, ...) and its commit per batch.
 *
 *
 * <p>Every write runs on a HikariCP pool of {@code -Dledger.pool} connections (16), as the gateway's
 * ledger writes run on the ledger's own pool of each database (TESSERA_DB_LEDGER_POOL_SIZE).
 *
 * <p>Compiled into Tessera's billing package (it drives package-private classes), then: java -cp
 * classes:postgresql.jar:tessera-billing.jar:tessera-tenancy.jar:HikariCP.jar
 * dev.tessera.billing.internal.LedgerBench MODE URL USER PASSWORD THREADS SECONDS WARMUP TENANT...
 * (or MODE max-batch: the largest batch, and exit)
 */
public class LedgerBench {
  private static com.zaxxer.hikari.HikariDataSource writers;

  public static void main(String[] a) throws Exception {
    if (a[0].equals("max-batch")) {
      System.out.println(LedgerBatches.MAX_BATCH); // for the results' header
      return;
    }
    String mode = a[0];
    if (!List.of("group", "per-op", "lease").contains(mode)) {
      throw new IllegalArgumentException("mode is group, per-op or lease, not " + mode);
    }
    boolean group = mode.equals("group");
    boolean lease = mode.equals("lease");
    a = Arrays.copyOfRange(a, 1, a.length);
    String url = a[0];
    String user = a[1];
    String password = a[2];
    int threads = Integer.parseInt(a[3]);
    org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
    pg.setURL(url);
    pg.setUser(user);
    pg.setPassword(password);
    com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
    pool.setDataSource(pg);
    pool.setPoolName("bench-ledger");
    pool.setMaximumPoolSize(Integer.getInteger("ledger.pool", 16));
    pool.setAutoCommit(true);
    writers = new com.zaxxer.hikari.HikariDataSource(pool);
    int seconds = Integer.parseInt(a[4]);
    int warmup = Integer.parseInt(a[5]);
    List<UUID> tenants = new ArrayList<>();
    for (int i = 6; i < a.length; i++) {
      tenants.add(UUID.fromString(a[i]));
    }
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      for (String setting : List.of("synchronous_commit", "fsync", "wal_sync_method")) {
        try (ResultSet rs = c.createStatement().executeQuery("SHOW " + setting)) {
          rs.next();
          System.out.println("# " + setting + " = " + rs.getString(1));
        }
      }
    }
    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    long[][] samples = new long[threads][];
    int[] counts = new int[threads];
    AtomicLong failures = new AtomicLong();
    GroupCommit<UUID, LedgerApply.Op, LedgerApply.Outcome> commits =
        new GroupCommit<>(LedgerBench::writeBatch, LedgerBatches.MAX_BATCH);
    // lease mode: one lease per tenant taken up front (as CreditLeases takes them), each call
    // admitted in memory against it and charged through GroupCommit + LeaseSql.charge
    java.util.Map<UUID, UUID> leases = new java.util.HashMap<>();
    java.util.Map<UUID, AtomicLong> leaseLeft = new java.util.HashMap<>();
    GroupCommit<UUID, LeaseSql.Charge, LeaseSql.Charged> charges =
        new GroupCommit<>((t, batch) -> chargeBatch(t, leases.get(t), batch), 256);
    if (lease) {
      try (Connection c = DriverManager.getConnection(url, user, password)) {
        c.setAutoCommit(false);
        for (UUID t : tenants) {
          if (leases.containsKey(t)) {
            continue;
          }
          UUID id = UUID.randomUUID();
          try (java.sql.PreparedStatement enter =
              c.prepareStatement("SELECT tessera_meta.enter_tenant(?)")) {
            enter.setObject(1, t);
            enter.executeQuery().close();
          }
          LeaseSql.Taken taken =
              LeaseSql.take(
                  c, id, 100_000_000_000L, 3000, 0, Instant.now().plusSeconds(3600), "bench");
          c.commit();
          if (!taken.granted()) {
            throw new IllegalStateException("no lease for " + t + ": " + taken);
          }
          leases.put(t, id);
          leaseLeft.put(t, new AtomicLong(taken.amount()));
        }
      }
    }
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int me = t;
      UUID tenant = tenants.get(t % tenants.size());
      samples[t] = new long[16_384]; // grows as needed
      Thread th =
          new Thread(
              () -> {
                try {
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    String request = dev.tessera.tenancy.api.RequestIds.next(); // as the gateway makes them
                    try {
                      if (lease) {
                        // admitted in memory (the worst case out of the lease), then charged
                        AtomicLong left = leaseLeft.get(tenant);
                        if (left.addAndGet(-3000) < 0) {
                          left.addAndGet(3000);
                          failures.incrementAndGet();
                          continue;
                        }
                        LeaseSql.Charged charged = charges.submit(tenant, charge(request));
                        left.addAndGet(3000 - charged.charged());
                        if (!"SETTLED".equals(charged.outcome())) {
                          failures.incrementAndGet();
                          continue;
                        }
                      } else if (group) {
                        LedgerApply.Outcome held = commits.submit(tenant, hold(request));
                        LedgerApply.Outcome settled = commits.submit(tenant, settle(request));
                        if (held.failed() || settled.failed()) {
                          failures.incrementAndGet();
                          continue;
                        }
                      } else {
                        // the gateway with TESSERA_BILLING_GROUP_COMMIT=false: each operation
                        // its own batch of one
                        failOn(writeBatch(tenant, List.of(hold(request))));
                        failOn(writeBatch(tenant, List.of(settle(request))));
                      }
                    } catch (SQLException | RuntimeException e) {
                      failures.incrementAndGet();
                      continue;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom) {
                      if (counts[me] == samples[me].length) {
                        samples[me] = Arrays.copyOf(samples[me], samples[me].length * 2);
                      }
                      samples[me][counts[me]++] = t1 - t0;
                    }
                  }
                } finally {
                  done.countDown();
                }
              });
      th.start();
    }
    done.await();
    writers.close();
    int n = Arrays.stream(counts).sum();
    long[] all = new long[n];
    int k = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples[t], 0, all, k, counts[t]);
      k += counts[t];
    }
    Arrays.sort(all);
    System.out.printf(
        "mode=%s threads=%d tenants=%d settled=%d seconds=%d settled_per_s=%.0f p50_ms=%.3f p90_ms=%.3f"
            + " p99_ms=%.3f max_ms=%.3f failures=%d%n",
        mode,
        threads,
        tenants.size(),
        n,
        seconds,
        n / (double) seconds,
        pct(all, 0.50),
        pct(all, 0.90),
        pct(all, 0.99),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6,
        failures.get());
  }

  private static LedgerApply.Op hold(String request) {
    return new LedgerApply.Op(
        "reserve", request, 3000, null, "bench", "bench-model", Instant.now().plusSeconds(120),
        "bench", null, null, null, null, null);
  }

  private static LedgerApply.Op settle(String request) {
    return new LedgerApply.Op(
        "settle", request, 1500, null, null, "bench-model", null, "gateway", 500, 250, 0, "miss",
        null);
  }

  private static LeaseSql.Charge charge(String request) {
    return new LeaseSql.Charge(
        request, 1500, null, "bench", "bench-model", "bench-model", 500, 250, 0, "miss");
  }

  /** One batch of charges in the leader's own connection, as CreditLeases writes it. */
  private static List<LeaseSql.Charged> chargeBatch(
      UUID tenant, UUID lease, List<LeaseSql.Charge> batch) {
    return committed(
        c -> LeaseSql.charge(c, tenant, lease, Instant.now().plusSeconds(3600), batch, "gateway"));
  }

  /**
   * One batch in the leader's own connection, as the gateway writes it: billing_apply(tenant, ...)
   * (which enters the tenant itself), then commit.
   */
  private static List<LedgerApply.Outcome> writeBatch(UUID tenant, List<LedgerApply.Op> ops) {
    return committed(c -> LedgerApply.apply(c, tenant, ops));
  }

  /** A statement that enters its tenant itself (null: not resident), then its commit. */
  private interface Batch<R> {
    List<R> write(Connection c) throws SQLException;
  }

  private static <R> List<R> committed(Batch<R> batch) {
    try (Connection c = writers.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<R> out = batch.write(c);
        if (out == null) {
          throw new SQLException("tenant not resident");
        }
        c.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException ignored) {
          // the connection is gone; the batch failed either way
        }
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void failOn(List<LedgerApply.Outcome> outcomes) throws SQLException {
    if (outcomes.get(0).failed()) {
      throw new SQLException("refused: " + outcomes.get(0).errorState());
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}

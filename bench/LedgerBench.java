import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reserve + settle against Tessera's ledger functions exactly as the gateway runs them: per
 * request one transaction that enters the tenant and holds the worst case, then one that enters
 * the tenant and settles, each committed with PostgreSQL's durability as configured (printed).
 *
 * <p>java -cp postgresql.jar LedgerBench.java URL USER PASSWORD THREADS SECONDS WARMUP TENANT...
 */
public class LedgerBench {
  public static void main(String[] a) throws Exception {
    String url = a[0];
    String user = a[1];
    String password = a[2];
    int threads = Integer.parseInt(a[3]);
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
    CountDownLatch done = new CountDownLatch(threads);
    for (int t = 0; t < threads; t++) {
      int me = t;
      UUID tenant = tenants.get(t % tenants.size());
      samples[t] = new long[4_000_000];
      Thread th =
          new Thread(
              () -> {
                try (Connection c = DriverManager.getConnection(url, user, password)) {
                  c.setAutoCommit(false);
                  PreparedStatement enter =
                      c.prepareStatement("SELECT tessera_meta.enter_tenant(?)");
                  PreparedStatement reserve =
                      c.prepareStatement(
                          "SELECT outcome FROM tessera_meta.billing_reserve(?, 3000, NULL, 'bench',"
                              + " 'bench-model', now() + interval '2 minutes', 'bench')");
                  PreparedStatement settle =
                      c.prepareStatement(
                          "SELECT outcome FROM tessera_meta.billing_settle(?, 1500, 'bench-model',"
                              + " 500, 250, 0, 'miss', 'gateway')");
                  while (true) {
                    long t0 = System.nanoTime();
                    if (t0 >= end) {
                      break;
                    }
                    String request = "req_" + UUID.randomUUID();
                    try {
                      run(c, enter, tenant, reserve, request);
                      run(c, enter, tenant, settle, request);
                    } catch (SQLException e) {
                      c.rollback();
                      failures.incrementAndGet();
                      continue;
                    }
                    long t1 = System.nanoTime();
                    if (t0 >= measureFrom && counts[me] < samples[me].length) {
                      samples[me][counts[me]++] = t1 - t0;
                    }
                  }
                } catch (SQLException e) {
                  e.printStackTrace();
                } finally {
                  done.countDown();
                }
              });
      th.start();
    }
    done.await();
    int n = Arrays.stream(counts).sum();
    long[] all = new long[n];
    int k = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(samples[t], 0, all, k, counts[t]);
      k += counts[t];
    }
    Arrays.sort(all);
    System.out.printf(
        "threads=%d tenants=%d settled=%d seconds=%d settled_per_s=%.0f p50_ms=%.3f p90_ms=%.3f"
            + " p99_ms=%.3f max_ms=%.3f failures=%d%n",
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

  private static void run(
      Connection c, PreparedStatement enter, UUID tenant, PreparedStatement op, String request)
      throws SQLException {
    enter.setObject(1, tenant);
    try (ResultSet rs = enter.executeQuery()) {
      rs.next();
      if (!rs.getBoolean(1)) {
        throw new SQLException("tenant not resident");
      }
    }
    op.setString(1, request);
    op.executeQuery().close();
    c.commit();
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))] / 1e6;
  }
}

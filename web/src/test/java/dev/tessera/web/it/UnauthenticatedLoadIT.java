package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.web.it.Api.Reply;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A flood of made-up keys naming a real tenant (its id is public: it is in every key) must not
 * reach the tenant's database once per request, nor crowd out the tenant's real calls (issue 8,
 * item 5).
 */
class UnauthenticatedLoadIT {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void a_flood_of_bad_keys_stays_off_the_tenant_database_and_real_calls_are_served()
      throws Exception {
    Platform platform = Platform.get();
    Api operator = platform.operator();
    // a tenant with a database of its own, so its transactions can be counted
    String tenant = operator.createTenant("PROFESSIONAL");
    String database = "tessera_t_" + tenant.replace("-", "");
    String realKey = operator.createKey(tenant, "admin")[1];
    Api real = operator.as(realKey);
    assertThat(real.get("/api/v1/tenants/" + tenant + "/credits").status()).isEqualTo(200);
    String prefix = realKey.substring(0, "tsk_".length() + 22 + 1);
    int secretLength = realKey.length() - prefix.length();

    long before = settledTransactions(platform, database);
    int flood = 1_000;
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> attacks = new ArrayList<>();
    try {
      for (int i = 0; i < flood; i++) {
        attacks.add(
            pool.submit(
                () -> {
                  Api forged = operator.as(prefix + randomSecret(secretLength));
                  if (forged.get("/api/v1/tenants/" + tenant + "/credits").status() == 401) {
                    refused.incrementAndGet();
                  }
                }));
      }
      // the tenant's real client, during the flood: every call served
      List<Integer> realStatuses = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        realStatuses.add(real.get("/api/v1/tenants/" + tenant + "/credits").status());
        Thread.sleep(50);
      }
      for (Future<?> f : attacks) {
        f.get(2, TimeUnit.MINUTES);
      }
      assertThat(realStatuses).as("the real key's calls during the flood").containsOnly(200);
    } finally {
      pool.shutdownNow();
    }
    assertThat(refused.get()).as("made-up keys refused").isEqualTo(flood);
    long transactions = settledTransactions(platform, database) - before;
    // without the budgets every made-up key costs a tenant transaction (at least `flood`); with
    // them, a few per second of the flood, the real calls and the background jobs' scans
    assertThat(transactions)
        .as("transactions in the tenant's database during a flood of " + flood + " bad keys")
        .isLessThan(flood / 2);
    // once the second has passed, a new real key works at once
    Thread.sleep(1_100);
    String fresh = operator.createKey(tenant, "read")[1];
    Reply ok = operator.as(fresh).get("/api/v1/tenants/" + tenant + "/credits");
    assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
  }

  private static String randomSecret(int length) {
    byte[] raw = new byte[length];
    RANDOM.nextBytes(raw);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw).substring(0, length);
  }

  /**
   * Commits and rollbacks in a database, once the statistics have settled (backends report them
   * within about a second of going idle).
   */
  private static long settledTransactions(Platform platform, String database) throws Exception {
    long last = -1;
    long deadline = System.currentTimeMillis() + 30_000;
    while (true) {
      Thread.sleep(1_500);
      long now;
      try (Connection su = platform.superuser("postgres");
          PreparedStatement ps =
              su.prepareStatement(
                  "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?")) {
        ps.setString(1, database);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          now = rs.getLong(1);
        }
      }
      // background jobs (the reaper's scan) add a few a second; settled when only they remain
      if ((last >= 0 && now - last < 10) || System.currentTimeMillis() > deadline) {
        return now;
      }
      last = now;
    }
  }
}

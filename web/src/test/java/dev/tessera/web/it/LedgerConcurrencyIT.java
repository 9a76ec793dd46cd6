package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ledger under fire, checked like Jepsen checks a database: many concurrent random operations
 * (duplicated and retried on purpose) against small balances, in the database directly and through
 * two Payara Micro instances, then a kill -9 mid-traffic; afterwards the invariants hold (never
 * negative, events sum to the projection, each request charged at most once, every hold ended). The
 * random seed is printed, and {@code -Dledger.seed=N} replays a run.
 */
class LedgerConcurrencyIT {
  static final long SEED = Long.getLong("ledger.seed", System.nanoTime());

  static Platform platform;
  static Api operator;
  static WireMockServer upstream;
  static LedgerFixture ledger;
  static Node b;

  @BeforeAll
  static void start() throws Exception {
    System.out.println(
        "LedgerConcurrencyIT seed: " + SEED + " (replay with -Dledger.seed=" + SEED + ")");
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    ledger = new LedgerFixture(platform, upstream);
    // node B with a short deadline, so holds of requests that die with it expire quickly
    platform.stopNodeB();
    b =
        platform.nodeB(
            Map.of(
                "TESSERA_GATEWAY_INTERACTIVE_DEADLINE",
                "PT5S",
                "TESSERA_BILLING_RESERVATION_GRACE",
                "PT1S",
                // reports through the replica data source (here: the same server, read-only)
                "TESSERA_DB_REPLICA_URL",
                "jdbc:postgresql://127.0.0.1:" + platform.pg.getPort() + "/" + Platform.DATABASE));
  }

  @AfterAll
  static void stop() {
    platform.stopNodeB();
    ledger.removeModels();
    upstream.stop();
  }

  // ---- 1. the database alone: the functions every instance calls ------------------------------

  @Test
  void random_concurrent_movements_never_overspend_nor_charge_twice_in_the_database()
      throws Exception {
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String t = operator.createTenant("STANDARD");
      assertThat(ledger.grant(t, 1_000, null).status()).isEqualTo(201);
      tenants.add(t);
    }
    int threads = 12;
    int opsPerThread = 250;
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < threads; w++) {
      Random random = new Random(SEED + w);
      done.add(
          pool.submit(
              () -> {
                try (Connection app = platform.app(Platform.DATABASE)) {
                  app.setAutoCommit(false);
                  for (int i = 0; i < opsPerThread; i++) {
                    String tenant = tenants.get(random.nextInt(tenants.size()));
                    if (!randomOperation(app, tenant, random)) {
                      refused.incrementAndGet();
                    }
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    // end every hold still open, as the reaper would once they expire
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      for (String t : tenants) {
        IsolationIT.pin(app, t);
        try (PreparedStatement ps =
            app.prepareStatement(
                "SELECT tessera_meta.billing_release(request_id, 'test', 'end of run', false)"
                    + " FROM public.credit_reservations WHERE status = 'OPEN'")) {
          ps.executeQuery().close();
        }
        app.commit();
      }
    }
    long settled = 0;
    for (String t : tenants) {
      settled += ledger.assertInvariants(t, true);
    }
    assertThat(settled).as("seed " + SEED + ": something was settled").isPositive();
    assertThat(refused.get()).as("seed " + SEED + ": some operations were refused").isPositive();
  }

  /**
   * One random operation in its own transaction. Request ids come from a small pool, so reserves,
   * settles and releases of the same request race and repeat. Returns false when the ledger refused
   * it (credits short, a refund beyond the charge), which is an expected outcome; anything else (a
   * deadlock, a constraint violation) fails the test.
   */
  private static boolean randomOperation(Connection app, String tenant, Random random)
      throws SQLException {
    String request = "r" + random.nextInt(60);
    String sql;
    int op = random.nextInt(100);
    if (op < 35) {
      sql =
          "SELECT * FROM tessera_meta.billing_reserve('"
              + request
              + "', "
              + (1 + random.nextInt(300))
              + ", NULL, NULL, 'm', ?, 'test')";
    } else if (op < 65) {
      sql =
          "SELECT * FROM tessera_meta.billing_settle('"
              + request
              + "', "
              + random.nextInt(400)
              + ", 'm', 10, 10, 0, 'miss', 'test')";
    } else if (op < 75) {
      sql = "SELECT tessera_meta.billing_release('" + request + "', 'test', 'failed', false)";
    } else if (op < 80) {
      sql = "SELECT tessera_meta.billing_reap(50)";
    } else if (op < 88) {
      sql =
          "SELECT * FROM tessera_meta.billing_movement('GRANT', "
              + (1 + random.nextInt(200))
              + ", 'g"
              + random.nextInt(20)
              + "', NULL, 'test', 'top-up')";
    } else if (op < 94) {
      sql =
          "SELECT * FROM tessera_meta.billing_movement('REFUND', "
              + (1 + random.nextInt(50))
              + ", NULL, '"
              + request
              + "', 'test', 'sorry')";
    } else {
      sql =
          "SELECT * FROM tessera_meta.billing_movement('ADJUSTMENT', "
              + (random.nextBoolean() ? "" : "-")
              + (1 + random.nextInt(100))
              + ", NULL, NULL, 'test', 'correction')";
    }
    try {
      IsolationIT.pin(app, tenant);
      try (PreparedStatement ps = app.prepareStatement(sql)) {
        if (sql.contains("?")) {
          // some holds are born expired, for the reaper to find
          ps.setTimestamp(
              1, Timestamp.from(Instant.now().plusSeconds(random.nextInt(4) == 0 ? -1 : 3600)));
        }
        ps.executeQuery().close();
      }
      app.commit();
      return true;
    } catch (SQLException e) {
      app.rollback();
      if (List.of("TS402", "TS403", "TS422").contains(e.getSQLState())) {
        return false;
      }
      throw new AssertionError("seed " + SEED + ": unexpected failure of " + sql, e);
    }
  }

  // ---- 2. through the gateway, on two instances --------------------------------------------

  @Test
  void two_instances_racing_priced_calls_on_small_balances_never_overspend() throws Exception {
    // 1 per input token, 2 per output token; every answer reports 9 in and 3 out: 15 a call
    String model =
        ledger.pricedModel(
            "race-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    List<String> tenants = new ArrayList<>();
    List<Api[]> callers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String t =
          operator.createTenant(
              "STANDARD", "{\"keyRequestsPerMinute\":5000,\"requestsPerMinute\":5000}");
      assertThat(ledger.grant(t, 200, null).status()).isEqualTo(201);
      String key = operator.createKey(t, "inference")[1];
      tenants.add(t);
      callers.add(new Api[] {operator.as(key), operator.as(key).on(b)});
    }
    LedgerFixture.awaitModel(callers.get(0)[1], model);
    Set<String> charged = ConcurrentHashMap.newKeySet();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(12);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < 12; w++) {
      Random random = new Random(SEED * 31 + w);
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 25; i++) {
                  int which = random.nextInt(tenants.size());
                  String tenant = tenants.get(which);
                  Api api = callers.get(which)[random.nextInt(2)];
                  int op = random.nextInt(100);
                  Reply r;
                  if (op < 80) {
                    // a quarter of the calls reuse an Idempotency-Key: duplicates on purpose
                    int maxTokens = 1 + random.nextInt(20);
                    HttpRequest.Builder req =
                        api.request("/v1/chat/completions")
                            .header("Content-Type", "application/json")
                            .POST(
                                HttpRequest.BodyPublishers.ofString(
                                    LedgerFixture.ask(model, maxTokens)));
                    if (random.nextInt(4) == 0) {
                      req.header("Idempotency-Key", "dup-" + maxTokens);
                    }
                    r = api.send(req);
                    if (r.status() == 200 && r.header("Idempotent-Replayed") == null) {
                      charged.add(tenant + "/" + r.header("x-request-id"));
                    }
                  } else if (op < 92) {
                    r = ledger.grant(tenant, 1 + random.nextInt(60), "race-" + random.nextInt(8));
                  } else {
                    r =
                        operator.post(
                            "/api/v1/tenants/" + tenant + "/credits",
                            "{\"type\":\"ADJUSTMENT\",\"amount\":-"
                                + (1 + random.nextInt(40))
                                + ",\"reason\":\"race\"}");
                  }
                  statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                  assertThat(r.status())
                      .as("seed " + SEED + ": " + r)
                      .isIn(200, 201, 402, 409, 422);
                }
                return null;
              }));
    }
    for (Future<?> f : done) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    long settled = 0;
    for (String t : tenants) {
      settled += ledger.assertInvariants(t, true);
    }
    assertThat(statuses).as("seed " + SEED).containsKeys(200, 402);
    // every answered call was charged exactly once, and nothing else was
    assertThat(settled).as("seed " + SEED + " " + statuses).isEqualTo(charged.size());
  }

  // ---- 3. kill -9 mid-traffic --------------------------------------------------------------

  @Test
  void a_killed_instance_leaves_holds_that_are_released_exactly_once_after_restart()
      throws Exception {
    String path = "slow-" + LedgerFixture.unique();
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withFixedDelay(3_000)
                    .withBody(LedgerFixture.completion(9, 3))));
    String model = ledger.model(path, 1, 1_000_000, 2_000_000);
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 10_000, null);
    Api onB = operator.as(operator.createKey(tenant, "inference")[1]).on(b);
    LedgerFixture.awaitModel(onB, model);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 8; i++) {
      pool.submit(
          () -> {
            try {
              onB.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
            } catch (RuntimeException connectionDied) {
              // expected: the node is killed under it
            }
          });
    }
    long until = System.currentTimeMillis() + 30_000;
    while (openHolds(tenant) < 8 && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertThat(openHolds(tenant)).as("holds taken before the provider answered").isEqualTo(8);
    b.kill();
    pool.shutdownNow();
    assertThat(ledger.balance(tenant)[1]).as("credits held by dead requests").isPositive();

    platform.restartNodeB();
    // the reaper (every second on each instance) releases them once they expire: 5 s deadline
    // plus 1 s grace after they were taken
    until = System.currentTimeMillis() + 60_000;
    while (openHolds(tenant) > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(250);
    }
    assertThat(openHolds(tenant)).isZero();
    assertThat(ledger.balance(tenant)).containsExactly(10_000, 0);
    assertThat(operator.post("/api/v1/billing/reaper", "").json().getInt("released"))
        .as("nothing is released twice")
        .isZero();
    assertThat(reaperReleases(tenant)).isEqualTo(8);
    ledger.assertInvariants(tenant, true);

    // the restarted instance serves and charges as before
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(LedgerFixture.completion(9, 3))));
    Reply after = onB.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
    assertThat(ledger.balance(tenant)).containsExactly(10_000 - 15, 0);
    ledger.assertInvariants(tenant, true);

    // B reads reports from its replica data source: the settled call and the 8 dead ones
    Reply report = operator.on(b).get("/api/v1/tenants/" + tenant + "/usage?groupBy=model");
    assertThat(report.status()).as(report.toString()).isEqualTo(200);
    JsonObject row = report.json().getJsonArray("data").getJsonObject(0);
    assertThat(row.getString("group")).isEqualTo(model);
    assertThat(row.getInt("requests")).isEqualTo(1);
    assertThat(row.getInt("failed")).isEqualTo(8);
    assertThat(row.getInt("cost")).isEqualTo(15);
  }

  // ---- 4. kill -9 in the middle of a group commit ------------------------------------------

  /**
   * A tenant's holds and settles are written in batches (one transaction for all that arrived
   * during the previous commit). Here one batch is stopped half-way inside the database (three
   * holds written, the fourth waiting on a budget row locked from outside), more operations queued
   * behind it in the instance, and the instance is killed: the batch never commits, so none of its
   * holds exists; the committed hold before it is released once by the reaper; nothing was charged
   * for calls nobody was answered.
   */
  @Test
  void an_instance_killed_in_the_middle_of_a_ledger_batch_commits_none_of_it() throws Exception {
    String model =
        ledger.pricedModel(
            "batch-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 10_000, null);
    Api plain = operator.as(operator.createKey(tenant, "inference")[1]).on(b);
    String[] budgeted = operator.createKey(tenant, "inference");
    Reply budget =
        operator.post(
            "/api/v1/tenants/" + tenant + "/budgets",
            "{\"scope\":\"KEY\",\"scopeValue\":\""
                + budgeted[0]
                + "\",\"period\":\"MONTHLY\",\"limit\":1000000,\"enforcement\":\"SOFT\"}");
    assertThat(budget.status()).as(budget.toString()).isEqualTo(201);
    Api withBudget = operator.as(budgeted[1]).on(b);
    LedgerFixture.awaitModel(plain, model);
    // one served call through the budget: its window row exists from now on
    Reply first = withBudget.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    assertThat(ledger.balance(tenant)).containsExactly(10_000 - 15, 0);

    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<Integer>> calls = new ArrayList<>();
    try (Connection account = platform.superuser(Platform.DATABASE);
        Connection window = platform.superuser(Platform.DATABASE)) {
      account.setAutoCommit(false);
      window.setAutoCommit(false);
      lockRows(account, "public.credit_accounts", tenant);
      // call 1 leads a batch that waits on the account row; calls 2-4, then 5, queue behind it
      calls.add(pool.submit(() -> status(plain, model)));
      awaitBlockedBatches(1);
      for (int i = 0; i < 3; i++) {
        calls.add(pool.submit(() -> status(plain, model)));
      }
      Thread.sleep(500);
      calls.add(pool.submit(() -> status(withBudget, model)));
      Thread.sleep(500);
      lockRows(window, "public.budget_windows", tenant);
      // the account row goes: call 1's hold commits; the next batch writes the holds of calls
      // 2-4 and stops at call 5's, which needs the budget's window row
      account.rollback();
      long until = System.currentTimeMillis() + 30_000;
      while (openHolds(tenant) < 1 && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      assertThat(openHolds(tenant)).as("call 1's hold, committed before the kill").isEqualTo(1);
      awaitBlockedBatches(1);

      b.kill();
      window.rollback();
    }
    pool.shutdown();
    for (Future<Integer> call : calls) {
      assertThat(call.get(60, TimeUnit.SECONDS)).as("no call was answered").isNotEqualTo(200);
    }
    // the dead instance's transaction ends without a commit once its statement may go on
    long until = System.currentTimeMillis() + 30_000;
    while (runningBatches() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertThat(runningBatches()).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM public.credit_reservations WHERE tenant_id = ?::uuid",
                tenant))
        .as("the served call and call 1; nothing of the batch that was cut off")
        .isEqualTo(2);

    platform.restartNodeB();
    until = System.currentTimeMillis() + 60_000;
    while (openHolds(tenant) > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(250);
    }
    assertThat(openHolds(tenant)).isZero();
    assertThat(reaperReleases(tenant)).as("call 1's hold, released once").isEqualTo(1);
    assertThat(ledger.balance(tenant)).containsExactly(10_000 - 15, 0);
    assertThat(ledger.assertInvariants(tenant, true)).as("settled calls").isEqualTo(1);
  }

  private static int status(Api api, String model) {
    try {
      return api.post("/v1/chat/completions", LedgerFixture.ask(model, 50)).status();
    } catch (RuntimeException connectionDied) {
      return -1; // the node is killed under it
    }
  }

  private static void lockRows(Connection c, String table, String tenant) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM " + table + " WHERE tenant_id = ?::uuid FOR UPDATE")) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as(table + " has a row of the tenant to lock").isTrue();
      }
    }
  }

  /** Ledger batches of the application waiting on a lock inside their transaction. */
  /** A batch's statement: billing_apply, or a lone operation's writer called directly. */
  private static final String LEDGER_WRITE =
      "tessera_meta\\.billing_(apply|reserve|settle|release)\\(";

  private static void awaitBlockedBatches(int n) throws Exception {
    long until = System.currentTimeMillis() + 30_000;
    while (blockedBatches() < n && System.currentTimeMillis() < until) {
      Thread.sleep(20);
    }
    assertThat(blockedBatches()).as("ledger batches waiting on a lock").isEqualTo(n);
  }

  private static long blockedBatches() throws SQLException {
    return count(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'tessera_app'"
            + " AND wait_event_type = 'Lock' AND query ~ ?",
        LEDGER_WRITE);
  }

  private static long runningBatches() throws SQLException {
    return count(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'tessera_app'"
            + " AND state <> 'idle' AND query ~ ?",
        LEDGER_WRITE);
  }

  private static long openHolds(String tenant) throws SQLException {
    return count(
        "SELECT count(*) FROM public.credit_reservations WHERE status = 'OPEN' AND tenant_id = ?::uuid",
        tenant);
  }

  private static long reaperReleases(String tenant) throws SQLException {
    return count(
        "SELECT count(*) FROM public.credit_events WHERE type = 'RELEASE' AND actor = 'reaper'"
            + " AND tenant_id = ?::uuid",
        tenant);
  }

  private static long count(String sql, String tenant) throws SQLException {
    try (Connection c = platform.superuser(Platform.DATABASE);
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}

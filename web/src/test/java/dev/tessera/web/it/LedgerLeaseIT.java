package dev.tessera.web.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.tessera.web.it.Api.Reply;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Priced calls admitted on credit leases (V54, {@code CreditLeases}): a call writes its charge and
 * nothing before the provider call; two instances leasing from one balance never overspend and
 * charge each answered call exactly once; an instance killed with calls in flight on its lease, or
 * in the middle of a charge batch, loses no credit and charges nothing nobody was answered for.
 * Node B leases from 1,000 micro-credits available, with short leases; node A keeps the defaults
 * (leases from 100 credits available).
 */
class LedgerLeaseIT {
  static Platform platform;
  static Api operator;
  static WireMockServer upstream;
  static LedgerFixture ledger;
  static Node b;

  @BeforeAll
  static void start() throws Exception {
    platform = Platform.get();
    operator = platform.operator();
    upstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    upstream.start();
    ledger = new LedgerFixture(platform, upstream);
    platform.stopNodeB();
    b =
        platform.nodeB(
            Map.of(
                "TESSERA_GATEWAY_INTERACTIVE_DEADLINE", "PT5S",
                "TESSERA_BILLING_RESERVATION_GRACE", "PT1S",
                "TESSERA_BILLING_LEASE_MIN_AVAILABLE", "1000",
                "TESSERA_BILLING_LEASE_SIZE", "100000",
                "TESSERA_BILLING_LEASE_TTL", "PT8S",
                "TESSERA_BILLING_LEASE_IDLE", "PT3S"));
  }

  /** A test that failed between killing node B and starting it again leaves it to the next. */
  @BeforeEach
  void nodeBRuns() throws Exception {
    if (!b.isAlive()) {
      platform.restartNodeB();
    }
  }

  @AfterAll
  static void stop() {
    platform.stopNodeB();
    ledger.removeModels();
    upstream.stop();
  }

  @Test
  void a_call_on_a_lease_writes_its_charge_and_nothing_before_the_provider_is_called()
      throws Exception {
    String u = LedgerFixture.unique();
    String model =
        ledger.pricedModel("lease-" + u, 1, 1_000_000, 2_000_000, LedgerFixture.completion(9, 3));
    String broken = "lease-broken-" + u;
    upstream.stubFor(
        post(urlEqualTo("/" + broken + "/v1/chat/completions"))
            .willReturn(aResponse().withStatus(400).withBody("{\"error\":{\"message\":\"no\"}}")));
    String brokenModel = ledger.model(broken, 1, 1_000_000, 2_000_000);
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000_000, null);
    Api onB = operator.as(operator.createKey(tenant, "inference")[1]).on(b);
    LedgerFixture.awaitModel(onB, model);
    LedgerFixture.awaitModel(onB, brokenModel);

    long before = System.currentTimeMillis();
    Reply served = onB.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
    long after = System.currentTimeMillis();
    assertThat(served.status()).as(served.toString()).isEqualTo(200);
    // its event id is time-ordered (V55, V56): a UUID of version 7 and variant 10 whose first 48
    // bits are the millisecond it was written
    assertThat(
            ledger.scalar(
                "SELECT count(*) FROM public.credit_events WHERE tenant_id = ?::uuid"
                    + " AND request_id = ? AND substr(id::text, 15, 1) = '7'"
                    + " AND substr(id::text, 20, 1) IN ('8', '9', 'a', 'b')"
                    + " AND ('x' || substr(replace(id::text, '-', ''), 1, 12))::bit(48)::bigint"
                    + " BETWEEN ? AND ?",
                tenant,
                served.header("x-request-id"),
                before,
                after))
        .as("the charge's id: version 7, variant 10, written between " + before + " and " + after)
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM public.credit_reservations WHERE tenant_id = ?::uuid",
                tenant))
        .as("no per-call hold")
        .isZero();
    assertThat(ledger.eventsOf(tenant, served.header("x-request-id")))
        .as("the call's one ledger row: its charge")
        .containsExactly("SETTLE:15");
    long granted = leased(tenant, "granted");
    assertThat(granted).as("an eighth of the available credit at most").isEqualTo(100_000);
    assertThat(leased(tenant, "spent")).isEqualTo(15);
    assertThat(ledger.balance(tenant)).containsExactly(1_000_000 - 15, granted - 15);
    ledger.assertInvariants(tenant, false);

    // a call that fails gives its worst case back to the lease, in memory: nothing is written
    Reply failed = onB.post("/v1/chat/completions", LedgerFixture.ask(brokenModel, 50));
    assertThat(failed.status()).as(failed.toString()).isBetween(400, 599);
    assertThat(ledger.eventsOf(tenant, failed.header("x-request-id"))).isEmpty();
    assertThat(leased(tenant, "spent")).isEqualTo(15);

    // unused for 3 seconds, the lease is closed and what it had left goes back
    awaitNoOpenLease(tenant);
    assertThat(ledger.balance(tenant)).containsExactly(1_000_000 - 15, 0);
    assertThat(
            count(
                "SELECT sum(amount) FROM public.credit_events WHERE tenant_id = ?::uuid"
                    + " AND type = 'RELEASE' AND request_id LIKE 'lease:%'",
                tenant))
        .isEqualTo(granted - 15);
    assertThat(ledger.assertInvariants(tenant, true)).as("settled calls").isEqualTo(1);
  }

  /**
   * Both instances lease from one balance and race priced calls until it runs out: node A leases
   * while 100 credits are available and holds per call below that; node B leases down to 1,000
   * micro-credits. No call is answered that was not charged exactly once, nothing is ever negative,
   * and once the leases are closed the rest of the credit can still be spent.
   */
  @Test
  void two_instances_leasing_from_one_balance_never_overspend_and_charge_each_answer_once()
      throws Exception {
    // 20,000 micro-credits a token: a call's worst case is over 1 credit, its charge ~1 credit
    String model =
        ledger.pricedModel(
            "lease-race-" + LedgerFixture.unique(),
            1,
            20_000_000_000L,
            20_000_000_000L,
            LedgerFixture.completion(9, 40));
    String tenant = operator.createTenant("STANDARD");
    long grant = 150_000_000;
    ledger.grant(tenant, grant, null);
    // a key per pair of workers: each stays well under a key's requests per minute
    List<Api> keys = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      keys.add(operator.as(operator.createKey(tenant, "inference")[1]));
    }
    Api onA = keys.get(0);
    LedgerFixture.awaitModel(onA, model);
    LedgerFixture.awaitModel(onA.on(b), model);

    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> answered = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < 8; w++) {
      Api api = w % 2 == 0 ? keys.get(w / 2) : keys.get(w / 2).on(b);
      workers.add(
          pool.submit(
              () -> {
                int refusedInARow = 0;
                for (int i = 0; i < 200 && refusedInARow < 5; i++) {
                  Reply r = api.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
                  statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
                  if (r.status() == 200) {
                    answered.add(r.header("x-request-id"));
                    refusedInARow = 0;
                  } else {
                    assertThat(r.status()).as(r.toString()).isEqualTo(402);
                    refusedInARow++;
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : workers) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    assertThat(statuses).containsKeys(200, 402);
    assertThat(count("SELECT count(*) FROM public.credit_leases WHERE tenant_id = ?::uuid", tenant))
        .as("leases were taken")
        .isPositive();
    ledger.assertInvariants(tenant, false);

    // once every lease is closed (node A's after 10 s unused), the rest is spendable
    awaitNoOpenLease(tenant);
    long settled = ledger.assertInvariants(tenant, true);
    assertThat(settled)
        .as("every answered call charged exactly once, " + statuses)
        .isEqualTo(answered.size());
    assertThat(
            count(
                "SELECT count(DISTINCT request_id) FROM public.credit_events WHERE tenant_id = ?::uuid"
                    + " AND type = 'SETTLE'",
                tenant))
        .isEqualTo(answered.size());
    long charged =
        count(
            "SELECT coalesce(sum(amount), 0) FROM public.credit_events WHERE tenant_id = ?::uuid"
                + " AND type = 'SETTLE'",
            tenant);
    assertThat(ledger.balance(tenant)).containsExactly(grant - charged, 0);
    int more = 0;
    while (onA.post("/v1/chat/completions", LedgerFixture.ask(model, 50)).status() == 200) {
      more++;
    }
    assertThat(ledger.balance(tenant)[0])
        .as("spent down to less than one call's worst case after " + more + " more calls")
        .isLessThan(2_000_000);
    ledger.assertInvariants(tenant, true);
  }

  @Test
  void an_instance_killed_with_calls_on_its_lease_loses_no_credit() throws Exception {
    String path = "lease-slow-" + LedgerFixture.unique();
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withFixedDelay(3_000)
                    .withBody(LedgerFixture.completion(9, 3))));
    String model = ledger.model(path, 1, 1_000_000, 2_000_000);
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000_000, null);
    Api onB = operator.as(operator.createKey(tenant, "inference")[1]).on(b);
    LedgerFixture.awaitModel(onB, model);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < 8; i++) {
      pool.submit(() -> status(onB, model));
    }
    long until = System.currentTimeMillis() + 30_000;
    while (upstream
                .countRequestsMatching(
                    com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(
                            urlEqualTo("/" + path + "/v1/chat/completions"))
                        .build())
                .getCount()
            < 8
        && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertThat(openLeases(tenant)).as("one lease carries the 8 calls").isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM public.credit_reservations WHERE tenant_id = ?::uuid",
                tenant))
        .isZero();
    b.kill();
    pool.shutdownNow();
    assertThat(ledger.balance(tenant)).containsExactly(1_000_000, 100_000);

    // the lease outlives its instance until it expires (8 s); then any reaper closes it
    awaitNoOpenLease(tenant);
    assertThat(ledger.balance(tenant))
        .as("nothing charged for calls nobody got")
        .containsExactly(1_000_000, 0);
    assertThat(
            count(
                "SELECT count(*) FROM public.credit_events WHERE tenant_id = ?::uuid"
                    + " AND type = 'RELEASE' AND actor = 'reaper' AND request_id LIKE 'lease:%'",
                tenant))
        .isEqualTo(1);
    assertThat(ledger.assertInvariants(tenant, true)).isZero();

    platform.restartNodeB();
    upstream.stubFor(
        post(urlEqualTo("/" + path + "/v1/chat/completions"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(LedgerFixture.completion(9, 3))));
    Reply after = onB.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
    assertThat(after.status()).as(after.toString()).isEqualTo(200);
    awaitNoOpenLease(tenant);
    assertThat(ledger.balance(tenant)).containsExactly(1_000_000 - 15, 0);
    assertThat(ledger.assertInvariants(tenant, true)).isEqualTo(1);
  }

  /**
   * The charges of a lease are written in batches. Here a batch waits inside the database on the
   * lease's row, locked from outside, with more charges queued behind it, and the instance is
   * killed: none of it commits, the calls were never answered, and the lease gives everything back
   * once it expires.
   */
  @Test
  void an_instance_killed_in_the_middle_of_a_charge_batch_commits_none_of_it() throws Exception {
    String model =
        ledger.pricedModel(
            "lease-batch-" + LedgerFixture.unique(),
            1,
            1_000_000,
            2_000_000,
            LedgerFixture.completion(9, 3));
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000_000, null);
    Api onB = operator.as(operator.createKey(tenant, "inference")[1]).on(b);
    LedgerFixture.awaitModel(onB, model);
    Reply first = onB.post("/v1/chat/completions", LedgerFixture.ask(model, 50));
    assertThat(first.status()).as(first.toString()).isEqualTo(200);

    killMidBatch(tenant, onB, model);
    platform.restartNodeB();
  }

  private static void killMidBatch(String tenant, Api onB, String model) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(5);
    List<Future<Integer>> calls = new ArrayList<>();
    try (Connection lock = platform.superuser(Platform.DATABASE)) {
      lock.setAutoCommit(false);
      try (PreparedStatement ps =
          lock.prepareStatement(
              "SELECT 1 FROM public.credit_leases WHERE tenant_id = ?::uuid FOR UPDATE")) {
        ps.setString(1, tenant);
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).as("the lease's row").isTrue();
        }
      }
      for (int i = 0; i < 5; i++) {
        calls.add(pool.submit(() -> status(onB, model)));
      }
      long until = System.currentTimeMillis() + 30_000;
      while (blockedCharges() < 1 && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
      assertThat(blockedCharges()).as("a charge batch waiting on the lease's row").isEqualTo(1);
      Thread.sleep(500); // the other calls queue behind it in the instance
      b.kill();
      lock.rollback();
    }
    pool.shutdown();
    for (Future<Integer> call : calls) {
      assertThat(call.get(60, TimeUnit.SECONDS)).as("no call was answered").isNotEqualTo(200);
    }
    long until = System.currentTimeMillis() + 30_000;
    while (runningCharges() > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
    assertThat(runningCharges()).isZero();
    assertThat(
            count(
                "SELECT count(*) FROM public.credit_events WHERE tenant_id = ?::uuid AND type = 'SETTLE'",
                tenant))
        .as("the first call's charge; nothing of the batch that was cut off")
        .isEqualTo(1);

    awaitNoOpenLease(tenant);
    assertThat(ledger.balance(tenant)).containsExactly(1_000_000 - 15, 0);
    assertThat(ledger.assertInvariants(tenant, true)).isEqualTo(1);
  }

  /**
   * A lease's row says how much of its credit is spent: were it writable, un-spending it would give
   * credit back twice. Only the sealed functions write it, as every other ledger table.
   */
  @Test
  void the_application_role_cannot_write_a_lease_directly() throws Exception {
    String tenant = operator.createTenant("STANDARD");
    ledger.grant(tenant, 1_000_000, null);
    List<String> forgeries =
        List.of(
            "UPDATE public.credit_leases SET spent = 0",
            "INSERT INTO public.credit_leases (tenant_id, id, holder, granted, status, expires_at)"
                + " VALUES ('"
                + tenant
                + "', gen_random_uuid(), 'forger', 1, 'CLOSED', now())",
            "DELETE FROM public.credit_leases");
    try (Connection app = platform.app(Platform.DATABASE)) {
      app.setAutoCommit(false);
      for (String sql : forgeries) {
        IsolationIT.pin(app, tenant);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LedgerFixture.execute(app, sql))
            .as(sql)
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        app.rollback();
      }
      // through the functions: a lease is a hold, and closing it gives back only what is left
      IsolationIT.pin(app, tenant);
      LedgerFixture.execute(
          app,
          "SELECT * FROM tessera_meta.billing_lease_take('00000000-0000-0000-0000-00000000000a',"
              + " 500000, 1, 1, now() + interval '1 minute', 'test')");
      app.commit();
      assertThat(ledger.balance(tenant))
          .as("an eighth of what was available")
          .containsExactly(1_000_000, 125_000);
      IsolationIT.pin(app, tenant);
      LedgerFixture.execute(
          app,
          "SELECT tessera_meta.billing_lease_close('00000000-0000-0000-0000-00000000000a', 'test',"
              + " 'done')");
      LedgerFixture.execute(
          app,
          "SELECT tessera_meta.billing_lease_close('00000000-0000-0000-0000-00000000000a', 'test',"
              + " 'twice')");
      app.commit();
    }
    assertThat(ledger.balance(tenant)).containsExactly(1_000_000, 0);
    assertThat(ledger.assertInvariants(tenant, true)).isZero();
  }

  /**
   * A batch of at most four charges is written charge by charge, a larger one by one set statement
   * (V57). Both must charge the same: the same charges go to two tenants with the same balance and
   * lease, four at a time to one and with a fifth charge of nothing to the other. They cover a
   * request charged before, one twice in a batch, one that takes the rest of the lease and some of
   * the available credit, and one capped at what is left.
   */
  @Test
  void a_small_charge_batch_charges_exactly_as_the_set_statement_does() throws Exception {
    String small = operator.createTenant("STANDARD");
    String large = operator.createTenant("STANDARD");
    Map<String, List<String>> answers = new HashMap<>();
    for (String tenant : List.of(small, large)) {
      ledger.grant(tenant, 1_000_000, null);
      List<String> seen = new ArrayList<>();
      boolean padded = tenant.equals(large);
      try (Connection app = platform.app(Platform.DATABASE)) {
        app.setAutoCommit(false);
        IsolationIT.pin(app, tenant);
        LedgerFixture.execute(
            app,
            "SELECT * FROM tessera_meta.billing_lease_take('00000000-0000-0000-0000-0000000000b1',"
                + " 500000, 1, 1, now() + interval '1 minute', 'test')");
        app.commit();
        seen.addAll(leaseCharge(app, tenant, padded, List.of("r0"), List.of(10L)));
        seen.addAll(
            leaseCharge(
                app,
                tenant,
                padded,
                List.of("r0", "r1", "r1", "r2"),
                List.of(10L, 100_000L, 100_000L, 60_000L)));
        seen.addAll(leaseCharge(app, tenant, padded, List.of("r3"), List.of(2_000_000L)));
      }
      answers.put(tenant, seen);
    }
    assertThat(answers.get(small))
        .as("answers: request, outcome, charged, lease left, available")
        .containsExactly(
            "r0 SETTLED 10 124990 875000",
            "r0 ALREADY_SETTLED 10 0 839990",
            "r1 SETTLED 100000 0 839990",
            "r1 ALREADY_SETTLED 100000 0 839990",
            "r2 SETTLED 60000 0 839990",
            "r3 SETTLED 839990 0 0")
        .isEqualTo(answers.get(large));
    assertThat(chargesOf(small))
        .as("events: request, amount, balance and hold deltas, reason")
        .containsExactly(
            "r0 10 -10 -10 null",
            "r1 100000 -100000 -100000 null",
            "r2 60000 -60000 -24990 null",
            "r3 839990 -839990 0 capped at the credits available")
        .isEqualTo(chargesOf(large));
    assertThat(ledger.balance(small)).containsExactly(0, 0).isEqualTo(ledger.balance(large));
    assertThat(leased(small, "spent")).isEqualTo(125_000).isEqualTo(leased(large, "spent"));
    ledger.assertInvariants(small, false);
    ledger.assertInvariants(large, false);
  }

  /**
   * One call of billing_lease_charge on the test's lease as the gateway makes it, committed; with
   * {@code padded}, four more charges of nothing, so that the batch is not a small one.
   */
  private static List<String> leaseCharge(
      Connection app, String tenant, boolean padded, List<String> requests, List<Long> costs)
      throws SQLException {
    List<String> reqs = new ArrayList<>(requests);
    List<Long> amounts = new ArrayList<>(costs);
    for (int i = 0; padded && i < 4; i++) {
      reqs.add("pad-" + UUID.randomUUID());
      amounts.add(0L);
    }
    int n = reqs.size();
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps =
        app.prepareStatement(
            "SELECT request_id, outcome, charged, lease_left, available"
                + " FROM tessera_meta.billing_lease_charge(?::uuid,"
                + " '00000000-0000-0000-0000-0000000000b1', now() + interval '1 minute',"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test')")) {
      ps.setString(1, tenant);
      ps.setArray(2, app.createArrayOf("text", reqs.toArray()));
      ps.setArray(3, app.createArrayOf("int8", amounts.toArray()));
      ps.setArray(4, filled(app, "uuid", n, null));
      ps.setArray(5, filled(app, "text", n, "t"));
      ps.setArray(6, filled(app, "text", n, "m"));
      ps.setArray(7, filled(app, "text", n, "m"));
      ps.setArray(8, filled(app, "int4", n, 9));
      ps.setArray(9, filled(app, "int4", n, 3));
      ps.setArray(10, filled(app, "int4", n, 0));
      ps.setArray(11, filled(app, "text", n, "miss"));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (!rs.getString(1).startsWith("pad-")) {
            out.add(row(rs));
          }
        }
      }
    }
    app.commit();
    return out;
  }

  /** An SQL array of {@code n} times {@code value}. */
  private static java.sql.Array filled(Connection c, String type, int n, Object value)
      throws SQLException {
    return c.createArrayOf(type, Collections.nCopies(n, value).toArray());
  }

  /** The tenant's charges but those of nothing, in request order. */
  private static List<String> chargesOf(String tenant) throws SQLException {
    return rows(
        "SELECT request_id, amount, balance_delta, hold_delta, reason"
            + " FROM public.credit_events WHERE tenant_id = ?::uuid AND type = 'SETTLE'"
            + " AND request_id NOT LIKE 'pad-%' ORDER BY request_id",
        tenant);
  }

  /** The rows {@code sql} answers for the tenant on the platform's database, as by {@link #row}. */
  private static List<String> rows(String sql, String tenant) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = platform.superuser(Platform.DATABASE);
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
    }
    return out;
  }

  /** The row's columns as text, space-separated ("null" for a null). */
  private static String row(ResultSet rs) throws SQLException {
    List<String> columns = new ArrayList<>();
    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
      columns.add(String.valueOf(rs.getString(i)));
    }
    return String.join(" ", columns);
  }

  private static int status(Api api, String model) {
    try {
      return api.post("/v1/chat/completions", LedgerFixture.ask(model, 50)).status();
    } catch (RuntimeException connectionDied) {
      return -1; // the node is killed under it
    }
  }

  private static final String CHARGE = "tessera_meta\\.billing_lease_charge\\(";

  private static long blockedCharges() throws SQLException {
    return count(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'tessera_app'"
            + " AND wait_event_type = 'Lock' AND query ~ ?",
        CHARGE);
  }

  private static long runningCharges() throws SQLException {
    return count(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = 'tessera_app'"
            + " AND state <> 'idle' AND query ~ ?",
        CHARGE);
  }

  private static long openLeases(String tenant) throws SQLException {
    return count(
        "SELECT count(*) FROM public.credit_leases WHERE status = 'OPEN' AND tenant_id = ?::uuid",
        tenant);
  }

  private static long leased(String tenant, String column) throws SQLException {
    return count(
        "SELECT sum(" + column + ") FROM public.credit_leases WHERE tenant_id = ?::uuid", tenant);
  }

  private static void awaitNoOpenLease(String tenant) throws Exception {
    long until = System.currentTimeMillis() + 60_000;
    while (openLeases(tenant) > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(250);
    }
    assertThat(openLeases(tenant)).as("open leases: %s", leases(tenant)).isZero();
  }

  /** The tenant's leases as the database has them, for failure messages. */
  private static List<String> leases(String tenant) throws SQLException {
    return rows(
        "SELECT id, holder, granted, spent, status, expires_at, now(), closed_by"
            + " FROM public.credit_leases WHERE tenant_id = ?::uuid ORDER BY created_at",
        tenant);
  }

  private static long count(String sql, String tenant) throws SQLException {
    return ledger.scalar(sql, tenant);
  }
}

package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ledger batch written as a set (issue 14, V52): the common batch is written with one statement
 * per table, and what it writes is exactly what the sealed writers write operation by operation; a
 * batch the set cannot write exactly (a hold the credits do not cover, a repeated settle, the same
 * request twice, a tenant with budgets) is written operation by operation, each refused alone.
 */
class LedgerBatchIT {
  static Platform platform;
  static Api operator;
  static LedgerFixture ledger;

  @BeforeAll
  static void start() {
    platform = Platform.get();
    operator = platform.operator();
    ledger = new LedgerFixture(platform, null);
  }

  /** One operation of a batch, as billing_apply takes it. */
  private record Op(
      String kind,
      String request,
      long amount,
      String model,
      Integer in,
      Integer out,
      String reason) {
    static Op reserve(String request, long amount) {
      return new Op("reserve", request, amount, "m-requested", null, null, null);
    }

    static Op settle(String request, long cost) {
      return new Op("settle", request, cost, "m-served", 10, 20, null);
    }

    static Op release(String request) {
      return new Op("release", request, 0, null, null, null, "the provider failed");
    }
  }

  @Test
  void a_batch_is_written_as_one_set_and_exactly_as_operation_by_operation() throws Exception {
    String bySet = tenantWith(10_000);
    String byOps = tenantWith(10_000);
    List<Op> holds = List.of(Op.reserve("h1", 100), Op.reserve("h2", 200), Op.reserve("h3", 50));
    List<Op> batch =
        List.of(
            Op.settle("h1", 60),
            Op.reserve("h4", 300),
            Op.release("h2"),
            Op.settle("h3", 50),
            Op.reserve("h5", 0));
    for (String tenant : List.of(bySet, byOps)) {
      inTenant(platform.app(Platform.DATABASE), tenant, c -> alone(c, holds));
    }

    // through billing_apply, counted: one call of the set and none of the writers
    inTenant(
        platform.superuser(Platform.DATABASE),
        bySet,
        c -> {
          LedgerFixture.execute(c, "SET LOCAL track_functions = 'pl'");
          assertThat(apply(c, "billing_apply", batch))
              .containsExactly(
                  "SETTLED:60", "RESERVED:300@9590", "RELEASED:0", "SETTLED:50", "RESERVED:0@9590");
          assertThat(functionCalls(c))
              .as("the batch was written by the set, not by the writers one by one")
              .containsExactly(Map.entry("billing_apply", 1L), Map.entry("billing_apply_set", 1L));
        });
    // the same batch, one writer call at a time (every batch before V52)
    inTenant(platform.app(Platform.DATABASE), byOps, c -> alone(c, batch));

    assertThat(ledgerRows(bySet)).hasSize(9).isEqualTo(ledgerRows(byOps));
    assertThat(reservationRows(bySet)).hasSize(5).isEqualTo(reservationRows(byOps));
    assertThat(ledger.balance(bySet)).containsExactly(10_000 - 110, 300);
    assertThat(ledger.balance(byOps)).containsExactly(10_000 - 110, 300);
    assertThat(ledger.assertInvariants(bySet, false)).as("settled calls").isEqualTo(2);
  }

  @Test
  void a_batch_the_set_cannot_write_exactly_is_written_operation_by_operation() throws Exception {
    String tenant = tenantWith(500);
    inTenant(
        platform.app(Platform.DATABASE), tenant, c -> alone(c, List.of(Op.reserve("g1", 100))));

    List<Op> overdrawn = List.of(Op.reserve("g2", 300), Op.reserve("g3", 300), Op.settle("g1", 40));
    List<Op> repeated = List.of(Op.settle("g1", 40), Op.reserve("g4", 10));
    List<Op> twice = List.of(Op.reserve("g5", 10), Op.reserve("g5", 10));
    inTenant(
        platform.app(Platform.DATABASE),
        tenant,
        c -> {
          // the set finds out only once it wrote: it raises, and its subtransaction is undone
          Savepoint before = c.setSavepoint();
          assertThatThrownBy(() -> apply(c, "billing_apply_set", overdrawn))
              .isInstanceOfSatisfying(
                  SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("TS409"));
          c.rollback(before);
          // a request twice in one batch: declined before anything is written
          assertThat(apply(c, "billing_apply_set", twice)).isEmpty();
          // billing_apply writes each in order, refusing only what the writers refuse
          assertThat(apply(c, "billing_apply", overdrawn))
              .containsExactly("RESERVED:300@100", "TS402", "SETTLED:40");
          assertThat(apply(c, "billing_apply", repeated))
              .containsExactly("ALREADY_SETTLED:40", "RESERVED:10@150");
          assertThat(apply(c, "billing_apply", twice))
              .containsExactly("RESERVED:10@140", "DUPLICATE:10");
        });
    assertThat(reservationRows(tenant).keySet()).containsExactly("g1", "g2", "g4", "g5");
    assertThat(ledger.balance(tenant)).containsExactly(500 - 40, 320);
    ledger.assertInvariants(tenant, false);

    // a tenant with a budget: the set leaves it to the writers, which move the budget's window
    String budgeted = tenantWith(1_000);
    String[] key = operator.createKey(budgeted, "inference", "admin");
    Api.Reply b =
        operator
            .as(key[1])
            .post(
                "/api/v1/tenants/" + budgeted + "/budgets",
                "{\"period\":\"DAILY\",\"limit\":250,\"enforcement\":\"HARD\"}");
    assertThat(b.status()).as(b.toString()).isEqualTo(201);
    List<Op> budgetBatch = List.of(Op.reserve("b1", 200), Op.reserve("b2", 100));
    inTenant(
        platform.app(Platform.DATABASE),
        budgeted,
        c -> {
          assertThat(apply(c, "billing_apply_set", budgetBatch)).isEmpty();
          assertThat(apply(c, "billing_apply", budgetBatch))
              .containsExactly("RESERVED:200@800", "TS403");
        });
  }

  /**
   * The gateway's batches go through the overload that enters the tenant itself (V53): one
   * statement pins the tenant, then writes; where the tenant does not live (any more), it answers
   * "moved" and writes nothing, so the caller can retry on the tenant's new placement.
   */
  @Test
  void a_batch_enters_its_tenant_itself_and_writes_nothing_where_the_tenant_does_not_live()
      throws Exception {
    String tenant = tenantWith(1_000);
    try (Connection c = platform.app(Platform.DATABASE)) {
      c.setAutoCommit(false);
      // not pinned beforehand: the statement pins the tenant, row-level security lets it write
      assertThat(apply(c, "billing_apply", tenant, List.of(Op.reserve("e1", 100))))
          .containsExactly("RESERVED:100@900");
      assertThat(
              apply(
                  c,
                  "billing_apply",
                  tenant,
                  List.of(Op.settle("e1", 30), Op.reserve("e2", 200), Op.reserve("e3", 50))))
          .containsExactly("SETTLED:30", "RESERVED:200@770", "RESERVED:50@720");
      c.commit();
      // a lone hold the credits do not cover is the writer's own refusal, as before V53
      assertThatThrownBy(() -> apply(c, "billing_apply", tenant, List.of(Op.reserve("e4", 5_000))))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("TS402"));
      c.rollback();
    }
    assertThat(reservationRows(tenant).keySet()).containsExactly("e1", "e2", "e3");

    // another database's view of the same tenant: not resident there
    try (Connection c = platform.superuser(Platform.DATABASE)) {
      c.setAutoCommit(false);
      LedgerFixture.execute(
          c,
          "UPDATE public.tenant_residency SET active = false WHERE tenant_id = '"
              + tenant
              + "'::uuid");
      assertThat(apply(c, "billing_apply", tenant, List.of(Op.reserve("e5", 10))))
          .containsExactly("moved:0");
      assertThat(apply(c, "billing_apply", tenant, List.of(Op.settle("e2", 100), Op.release("e3"))))
          .containsExactly("moved:0");
      assertThat(
              count(
                  c,
                  "SELECT count(*) FROM public.credit_events WHERE tenant_id = '"
                      + tenant
                      + "'::uuid AND request_id IN ('e2', 'e3', 'e5')"))
          .as("events written while not resident")
          .isEqualTo(2);
      c.rollback();
    }
    assertThat(ledger.balance(tenant)).containsExactly(1_000 - 30, 250);
    ledger.assertInvariants(tenant, false);
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String tenantWith(long credits) {
    String tenant = operator.createTenant("STANDARD");
    Api.Reply r = ledger.grant(tenant, credits, null);
    assertThat(r.status()).as(r.toString()).isIn(200, 201);
    return tenant;
  }

  @FunctionalInterface
  private interface Work {
    void run(Connection c) throws Exception;
  }

  /** Runs {@code work} in one transaction pinned to {@code tenant}, commits and closes. */
  private static void inTenant(Connection c, String tenant, Work work) throws Exception {
    try (c) {
      c.setAutoCommit(false);
      IsolationIT.pin(c, tenant);
      work.run(c);
      c.commit();
    }
  }

  /**
   * Calls {@code fn} with the batch and answers one line per row: "OUTCOME:amount" (and
   * "@available" for a granted hold), or the SQLSTATE of a refusal.
   */
  private static List<String> apply(Connection c, String fn, List<Op> batch) throws SQLException {
    return apply(c, fn, null, batch);
  }

  /** As above; with a tenant, through the overload that enters the tenant itself (V53). */
  private static List<String> apply(Connection c, String fn, String tenant, List<Op> batch)
      throws SQLException {
    Timestamp expires = Timestamp.from(Instant.now().plus(10, ChronoUnit.MINUTES));
    int k = tenant == null ? 0 : 1;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT * FROM tessera_meta."
                + fn
                + "("
                + (tenant == null ? "" : "?::uuid,")
                + "?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      if (tenant != null) {
        ps.setString(1, tenant);
      }
      ps.setArray(k + 1, array(c, "text", batch, Op::kind));
      ps.setArray(k + 2, array(c, "text", batch, Op::request));
      ps.setArray(k + 3, array(c, "int8", batch, Op::amount));
      ps.setArray(k + 4, array(c, "uuid", batch, op -> null));
      ps.setArray(
          k + 5, array(c, "text", batch, op -> op.kind().equals("reserve") ? "tag-a" : null));
      ps.setArray(k + 6, array(c, "text", batch, Op::model));
      ps.setArray(
          k + 7,
          array(c, "timestamptz", batch, op -> op.kind().equals("reserve") ? expires : null));
      ps.setArray(k + 8, array(c, "text", batch, op -> "test"));
      ps.setArray(k + 9, array(c, "int4", batch, Op::in));
      ps.setArray(k + 10, array(c, "int4", batch, Op::out));
      ps.setArray(k + 11, array(c, "int4", batch, op -> op.in() == null ? null : 0));
      ps.setArray(k + 12, array(c, "text", batch, op -> op.in() == null ? null : "miss"));
      ps.setArray(k + 13, array(c, "text", batch, Op::reason));
      List<String> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        boolean withErrors = rs.getMetaData().getColumnCount() > 3;
        while (rs.next()) {
          if (withErrors && rs.getString("err_state") != null) {
            out.add(rs.getString("err_state"));
            continue;
          }
          String outcome = rs.getString("outcome");
          out.add(
              outcome
                  + ":"
                  + rs.getLong("amount")
                  + (outcome.equals("RESERVED") ? "@" + rs.getLong("available") : ""));
        }
      }
      return out;
    }
  }

  private static Array array(
      Connection c, String type, List<Op> batch, java.util.function.Function<Op, Object> value)
      throws SQLException {
    return c.createArrayOf(type, batch.stream().map(value).toArray());
  }

  /** Each operation as one call of its sealed writer, as a lone operation is written. */
  private static void alone(Connection c, List<Op> ops) throws SQLException {
    Timestamp expires = Timestamp.from(Instant.now().plus(10, ChronoUnit.MINUTES));
    for (Op op : ops) {
      String sql =
          switch (op.kind()) {
            case "reserve" ->
                "SELECT * FROM tessera_meta.billing_reserve(?, ?, null, 'tag-a', ?, ?, 'test')";
            case "settle" ->
                "SELECT * FROM tessera_meta.billing_settle(?, ?, ?, ?, ?, 0, 'miss', 'test')";
            default -> "SELECT tessera_meta.billing_release(?, 'test', ?, false)";
          };
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, op.request());
        switch (op.kind()) {
          case "reserve" -> {
            ps.setLong(2, op.amount());
            ps.setString(3, op.model());
            ps.setTimestamp(4, expires);
          }
          case "settle" -> {
            ps.setLong(2, op.amount());
            ps.setString(3, op.model());
            ps.setInt(4, op.in());
            ps.setInt(5, op.out());
          }
          default -> ps.setString(2, op.reason());
        }
        ps.executeQuery().close();
      }
    }
  }

  /** Calls of the ledger's functions in this transaction (track_functions on). */
  private static Map<String, Long> functionCalls(Connection c) throws SQLException {
    Map<String, Long> calls = new TreeMap<>();
    try (PreparedStatement ps =
            c.prepareStatement(
                "SELECT funcname, calls FROM pg_stat_xact_user_functions"
                    + " WHERE schemaname = 'tessera_meta' AND funcname ~ '^billing_(apply|reserve|settle|release)'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        calls.put(rs.getString(1), rs.getLong(2));
      }
    }
    return calls;
  }

  /** The tenant's events, everything but their ids and times, in a stable order. */
  private static List<String> ledgerRows(String tenant) throws SQLException {
    return rows(
        "SELECT concat_ws('|', type, amount, balance_delta, hold_delta, request_id, api_key_id, tag,"
            + " model_requested, model_served, tokens_in, tokens_out, tokens_cached, cache, actor,"
            + " reason) FROM public.credit_events WHERE tenant_id = ?::uuid AND type <> 'GRANT'"
            + " ORDER BY 1",
        tenant);
  }

  /** The tenant's holds by request: amount, status, charge and who closed them. */
  private static Map<String, String> reservationRows(String tenant) throws SQLException {
    Map<String, String> byRequest = new TreeMap<>();
    for (String row :
        rows(
            "SELECT request_id || '=' || concat_ws('|', amount, status, charged, api_key_id, tag,"
                + " model_requested, closed_by, closed_at IS NOT NULL)"
                + " FROM public.credit_reservations WHERE tenant_id = ?::uuid ORDER BY 1",
            tenant)) {
      byRequest.put(row.substring(0, row.indexOf('=')), row.substring(row.indexOf('=') + 1));
    }
    return byRequest;
  }

  private static List<String> rows(String sql, String tenant) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = platform.superuser(Platform.DATABASE);
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}

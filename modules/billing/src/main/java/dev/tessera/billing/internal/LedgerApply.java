package dev.tessera.billing.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * One batch of ledger operations as one call of {@code tessera_meta.billing_apply}, on a connection
 * whose transaction is already pinned to the tenant; the caller commits. No CDI here, so the ledger
 * benchmark drives exactly this code.
 */
final class LedgerApply {
  private LedgerApply() {}

  /** One ledger operation of a call. */
  record Op(
      String kind,
      String requestId,
      long amount,
      UUID keyId,
      String tag,
      String model,
      Instant expires,
      String actor,
      Integer in,
      Integer out,
      Integer cached,
      String cache,
      String reason) {}

  /**
   * What the writer answered: {@code outcome} and two numbers (reserve: held, available; settle:
   * charged), or the SQLSTATE, message and detail of a refusal.
   */
  record Outcome(
      String outcome,
      long amount,
      long available,
      String errorState,
      String errorMessage,
      String errorDetail) {
    boolean failed() {
      return errorState != null;
    }
  }

  /** One array argument of billing_apply: its element type and where each operation keeps it. */
  private record Column(String sqlType, Function<Op, Object> value) {}

  /** billing_apply's arguments, in order. */
  private static final List<Column> COLUMNS =
      List.of(
          new Column("text", Op::kind),
          new Column("text", Op::requestId),
          new Column("int8", Op::amount),
          new Column("uuid", Op::keyId),
          new Column("text", Op::tag),
          new Column("text", Op::model),
          new Column(
              "timestamptz", op -> op.expires() == null ? null : Timestamp.from(op.expires())),
          new Column("text", Op::actor),
          new Column("int4", Op::in),
          new Column("int4", Op::out),
          new Column("int4", Op::cached),
          new Column("text", Op::cache),
          new Column("text", Op::reason));

  private static final String SQL =
      "SELECT outcome, amount, available, err_state, err_message, err_detail"
          + " FROM tessera_meta.billing_apply("
          + String.join(",", Collections.nCopies(COLUMNS.size(), "?"))
          + ")";

  /**
   * The batch's outcomes, in order. A batch of one (every call when the tenant is not busy) goes
   * straight to its writer, without billing_apply's subtransaction: a refusal is then the writer's
   * own exception (TS402, TS403, ...), which fails the caller's transaction, where nothing else
   * was, and reaches the caller as the same refusal.
   */
  static List<Outcome> apply(Connection c, List<Op> batch) throws SQLException {
    if (batch.size() == 1) {
      return List.of(alone(c, batch.get(0)));
    }
    int n = batch.size();
    try (PreparedStatement ps = c.prepareStatement(SQL)) {
      for (int j = 0; j < COLUMNS.size(); j++) {
        Column column = COLUMNS.get(j);
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
          values[i] = column.value().apply(batch.get(i));
        }
        ps.setArray(j + 1, c.createArrayOf(column.sqlType(), values));
      }
      List<Outcome> outcomes = new ArrayList<>(n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          outcomes.add(
              new Outcome(
                  rs.getString(1),
                  rs.getLong(2),
                  rs.getLong(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6)));
        }
      }
      return outcomes;
    }
  }

  private static final String RESERVE =
      "SELECT outcome, held, available FROM tessera_meta.billing_reserve(?,?,?,?,?,?,?)";
  private static final String SETTLE =
      "SELECT outcome, charged FROM tessera_meta.billing_settle(?,?,?,?,?,?,?,?)";
  private static final String RELEASE = "SELECT tessera_meta.billing_release(?,?,?,false)";

  /** One operation as one call of its writer, answered as billing_apply answers it. */
  private static Outcome alone(Connection c, Op op) throws SQLException {
    String sql =
        switch (op.kind()) {
          case "reserve" -> RESERVE;
          case "settle" -> SETTLE;
          case "release" -> RELEASE;
          default -> throw new IllegalArgumentException("unknown ledger operation " + op.kind());
        };
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, op.requestId());
      switch (op.kind()) {
        case "reserve" -> {
          ps.setLong(2, op.amount());
          ps.setObject(3, op.keyId(), Types.OTHER);
          ps.setString(4, op.tag());
          ps.setString(5, op.model());
          ps.setTimestamp(6, op.expires() == null ? null : Timestamp.from(op.expires()));
          ps.setString(7, op.actor());
        }
        case "settle" -> {
          ps.setLong(2, op.amount());
          ps.setString(3, op.model());
          ps.setObject(4, op.in(), Types.INTEGER);
          ps.setObject(5, op.out(), Types.INTEGER);
          ps.setObject(6, op.cached(), Types.INTEGER);
          ps.setString(7, op.cache());
          ps.setString(8, op.actor());
        }
        default -> {
          ps.setString(2, op.actor());
          ps.setString(3, op.reason());
        }
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("BILL-0104 the ledger's " + op.kind() + " answered nothing");
        }
        String outcome = rs.getString(1);
        long amount = op.kind().equals("release") ? 0 : rs.getLong(2);
        long available = op.kind().equals("reserve") ? rs.getLong(3) : 0;
        return new Outcome(outcome, amount, available, null, null, null);
      }
    }
  }
}

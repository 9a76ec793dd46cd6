package dev.tessera.billing.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * One batch of ledger operations as one call of {@code tessera_meta.billing_apply(tenant, ...)},
 * which enters the tenant itself, in the caller's transaction; the caller commits. No CDI here, so
 * the ledger benchmark drives exactly this code.
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
          + " FROM tessera_meta.billing_apply(?,"
          + String.join(",", Collections.nCopies(COLUMNS.size(), "?"))
          + ")";

  /**
   * The batch's outcomes, in order, or null when the tenant is not resident in this connection's
   * database (moved: nothing was written, the caller rolls back and retries on its new placement).
   * The statement enters the tenant itself (V53), so the transaction is this statement and the
   * caller's commit. A batch of one (every call when the tenant is not busy) goes straight to its
   * writer in the database, without billing_apply's subtransaction: a refusal is then the writer's
   * own exception (TS402, TS403, ...), which fails the caller's transaction, where nothing else
   * was, and reaches the caller as the same refusal.
   */
  static List<Outcome> apply(Connection c, UUID tenant, List<Op> batch) throws SQLException {
    int n = batch.size();
    try (PreparedStatement ps = c.prepareStatement(SQL)) {
      ps.setObject(1, tenant);
      for (int j = 0; j < COLUMNS.size(); j++) {
        Column column = COLUMNS.get(j);
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
          values[i] = column.value().apply(batch.get(i));
        }
        ps.setArray(j + 2, c.createArrayOf(column.sqlType(), values));
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
      if (outcomes.size() == 1 && "moved".equals(outcomes.get(0).outcome())) {
        return null;
      }
      return outcomes;
    }
  }
}

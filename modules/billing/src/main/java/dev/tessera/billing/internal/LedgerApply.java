package dev.tessera.billing.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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

  static List<Outcome> apply(Connection c, List<Op> batch) throws SQLException {
    int n = batch.size();
    Object[] kinds = new Object[n];
    Object[] requests = new Object[n];
    Object[] amounts = new Object[n];
    Object[] keys = new Object[n];
    Object[] tags = new Object[n];
    Object[] models = new Object[n];
    Object[] expires = new Object[n];
    Object[] actors = new Object[n];
    Object[] in = new Object[n];
    Object[] out = new Object[n];
    Object[] cached = new Object[n];
    Object[] cache = new Object[n];
    Object[] reasons = new Object[n];
    for (int i = 0; i < n; i++) {
      Op op = batch.get(i);
      kinds[i] = op.kind();
      requests[i] = op.requestId();
      amounts[i] = op.amount();
      keys[i] = op.keyId();
      tags[i] = op.tag();
      models[i] = op.model();
      expires[i] = op.expires() == null ? null : Timestamp.from(op.expires());
      actors[i] = op.actor();
      in[i] = op.in();
      out[i] = op.out();
      cached[i] = op.cached();
      cache[i] = op.cache();
      reasons[i] = op.reason();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT outcome, amount, available, err_state, err_message, err_detail"
                + " FROM tessera_meta.billing_apply(?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      ps.setArray(1, c.createArrayOf("text", kinds));
      ps.setArray(2, c.createArrayOf("text", requests));
      ps.setArray(3, c.createArrayOf("int8", amounts));
      ps.setArray(4, c.createArrayOf("uuid", keys));
      ps.setArray(5, c.createArrayOf("text", tags));
      ps.setArray(6, c.createArrayOf("text", models));
      ps.setArray(7, c.createArrayOf("timestamptz", expires));
      ps.setArray(8, c.createArrayOf("text", actors));
      ps.setArray(9, c.createArrayOf("int4", in));
      ps.setArray(10, c.createArrayOf("int4", out));
      ps.setArray(11, c.createArrayOf("int4", cached));
      ps.setArray(12, c.createArrayOf("text", cache));
      ps.setArray(13, c.createArrayOf("text", reasons));
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
}

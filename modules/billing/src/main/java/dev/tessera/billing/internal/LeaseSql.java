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
 * The credit-lease functions of V54, one statement each, in the caller's transaction; the caller
 * commits. No CDI here, so the ledger benchmark drives exactly this code.
 */
final class LeaseSql {
  private LeaseSql() {}

  /**
   * What taking a lease answered: GRANTED with the amount leased, or BUDGETS / LOW and nothing
   * taken.
   */
  record Taken(String outcome, long amount, long available) {
    boolean granted() {
      return "GRANTED".equals(outcome);
    }
  }

  /** One served call's charge against a lease. */
  record Charge(
      String requestId,
      long cost,
      UUID keyId,
      String tag,
      String model,
      String served,
      int in,
      int out,
      int cached,
      String cache) {}

  /**
   * What the database answered for one charge: SETTLED / ALREADY_SETTLED with what the request was
   * charged, or LEASE_CLOSED (nothing written); what the lease has left and the tenant's available
   * credit after the batch, and whether the tenant has budgets now.
   */
  record Charged(
      String requestId,
      String outcome,
      long charged,
      long leaseLeft,
      long available,
      boolean budgets) {
    boolean leaseClosed() {
      return "LEASE_CLOSED".equals(outcome);
    }
  }

  /**
   * Leases at most {@code want}, and at most an eighth of what is available; nothing when that is
   * less than {@code least} or less than {@code minAvailable} is available, or the tenant has
   * budgets.
   */
  static Taken take(
      Connection c,
      UUID lease,
      long want,
      long least,
      long minAvailable,
      Instant expires,
      String holder)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT outcome, granted, available FROM tessera_meta.billing_lease_take(?,?,?,?,?,?)")) {
      ps.setObject(1, lease);
      ps.setLong(2, want);
      ps.setLong(3, least);
      ps.setLong(4, minAvailable);
      ps.setTimestamp(5, Timestamp.from(expires));
      ps.setString(6, holder);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Taken(rs.getString(1), rs.getLong(2), rs.getLong(3));
      }
    }
  }

  /** What the lease gave back, or -1 when it was not open (closed before). */
  static long close(Connection c, UUID lease, String actor, String reason) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT tessera_meta.billing_lease_close(?,?,?)")) {
      ps.setObject(1, lease);
      ps.setString(2, actor);
      ps.setString(3, reason);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static final String CHARGE =
      "SELECT request_id, outcome, charged, lease_left, available, budgets"
          + " FROM tessera_meta.billing_lease_charge(?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

  /**
   * Charges a batch of calls admitted on {@code lease}, entering the tenant in the same statement
   * (V54's billing_lease_charge): the answers in order, or null when the tenant is not resident in
   * this connection's database (nothing written; the caller retries where it lives now).
   */
  static List<Charged> charge(
      Connection c, UUID tenant, UUID lease, Instant expires, List<Charge> batch, String actor)
      throws SQLException {
    int n = batch.size();
    String[] requests = new String[n];
    Long[] costs = new Long[n];
    UUID[] keys = new UUID[n];
    String[] tags = new String[n];
    String[] models = new String[n];
    String[] served = new String[n];
    Integer[] in = new Integer[n];
    Integer[] out = new Integer[n];
    Integer[] cached = new Integer[n];
    String[] cache = new String[n];
    for (int i = 0; i < n; i++) {
      Charge ch = batch.get(i);
      requests[i] = ch.requestId();
      costs[i] = ch.cost();
      keys[i] = ch.keyId();
      tags[i] = ch.tag();
      models[i] = ch.model();
      served[i] = ch.served();
      in[i] = ch.in();
      out[i] = ch.out();
      cached[i] = ch.cached();
      cache[i] = ch.cache();
    }
    try (PreparedStatement ps = c.prepareStatement(CHARGE)) {
      ps.setObject(1, tenant);
      ps.setObject(2, lease);
      ps.setTimestamp(3, Timestamp.from(expires));
      ps.setArray(4, c.createArrayOf("text", requests));
      ps.setArray(5, c.createArrayOf("int8", costs));
      ps.setArray(6, c.createArrayOf("uuid", keys));
      ps.setArray(7, c.createArrayOf("text", tags));
      ps.setArray(8, c.createArrayOf("text", models));
      ps.setArray(9, c.createArrayOf("text", served));
      ps.setArray(10, c.createArrayOf("int4", in));
      ps.setArray(11, c.createArrayOf("int4", out));
      ps.setArray(12, c.createArrayOf("int4", cached));
      ps.setArray(13, c.createArrayOf("text", cache));
      ps.setString(14, actor);
      List<Charged> answers = new ArrayList<>(n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if ("moved".equals(rs.getString(2))) {
            return null;
          }
          answers.add(
              new Charged(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getBoolean(6)));
        }
      }
      return answers;
    }
  }
}

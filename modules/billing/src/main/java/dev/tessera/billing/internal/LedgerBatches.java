package dev.tessera.billing.internal;

import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ledger's hot path with group commit: the holds, settles and releases of one tenant that
 * arrive while that tenant's previous batch commits are written together by {@code
 * tessera_meta.billing_apply}, one round trip and one commit for all of them (each still one call
 * of its sealed writer, refused alone). A call returns only once its batch committed, so a hold
 * exists before the provider is called and a charge is durable before the answer leaves, as with
 * one transaction per operation; what changes is that a tenant's account row is locked once per
 * batch instead of once per operation.
 */
@ApplicationScoped
public class LedgerBatches {
  /** Under PostgreSQL's 64 cached subtransactions per backend (one per operation). */
  static final int MAX_BATCH = 48;

  @Inject TenantData data;

  /** Off: one transaction per operation, as before group commit (for benchmarks and bisecting). */
  @Inject
  @ConfigProperty(name = "tessera.billing.group-commit", defaultValue = "true")
  boolean enabled;

  private GroupCommit<TenantId, Op, Outcome> commits;

  @PostConstruct
  void start() {
    commits = new GroupCommit<>(this::write, MAX_BATCH);
  }

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

  Outcome reserve(HoldRequest r, long amount) {
    return submit(
        r.tenant(),
        new Op(
            "reserve",
            r.requestId(),
            amount,
            r.keyId(),
            r.tag(),
            r.model(),
            r.expiresAt(),
            r.keyId() == null ? "gateway" : "key:" + r.keyId(),
            null,
            null,
            null,
            null,
            null));
  }

  Outcome settle(TenantId tenant, String requestId, long cost, ServedUsage usage) {
    return submit(
        tenant,
        new Op(
            "settle",
            requestId,
            cost,
            null,
            null,
            usage.servedModel(),
            null,
            "gateway",
            clamp(usage.tokens().input()),
            clamp(usage.tokens().output()),
            clamp(usage.tokens().cached()),
            usage.cache().name().toLowerCase(Locale.ROOT),
            null));
  }

  Outcome release(TenantId tenant, String requestId, String reason) {
    return submit(
        tenant,
        new Op(
            "release", requestId, 0, null, null, null, null, "gateway", null, null, null, null,
            reason));
  }

  private Outcome submit(TenantId tenant, Op op) {
    return enabled ? commits.submit(tenant, op) : write(tenant, List.of(op)).get(0);
  }

  private static int clamp(long n) {
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private List<Outcome> write(TenantId tenant, List<Op> batch) {
    return data.inTenant(tenant, c -> apply(c, batch));
  }

  private static List<Outcome> apply(Connection c, List<Op> batch) throws SQLException {
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

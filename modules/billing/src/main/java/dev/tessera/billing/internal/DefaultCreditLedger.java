package dev.tessera.billing.internal;

import dev.tessera.billing.api.Balance;
import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.Hold;
import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.LedgerEvent;
import dev.tessera.billing.api.Movement;
import dev.tessera.billing.api.MovementType;
import dev.tessera.billing.api.Pricing;
import dev.tessera.billing.api.Reconciliation;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.billing.api.Settlement;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.UUID;

/**
 * The ledger over PostgreSQL: every movement is one call of a {@code tessera_meta.billing_*}
 * function inside the tenant's transaction, so the check and the write are one atomic statement and
 * the event is written with its projection in the same commit.
 */
@ApplicationScoped
public class DefaultCreditLedger implements CreditLedger {
  @Inject TenantData data;
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(DefaultCreditLedger.class.getName());

  @Inject Pricing pricing;
  @Inject BillingMetrics metrics;
  @Inject UsageRecorder recorder;
  @Inject LedgerBatches batches;
  @Inject CreditLeases leases;

  @Override
  public Hold reserve(HoldRequest r) {
    long amount = pricing.worstCase(r.tier(), r.price(), r.inputTokens(), r.maxOutputTokens());
    Hold leased = leases.admit(r, amount);
    if (leased != null) {
      return leased; // admitted on this instance's lease of the tenant's credit: nothing written
    }
    LedgerApply.Outcome o;
    try {
      o = batches.reserve(r, amount);
    } catch (RuntimeException e) {
      throw LedgerErrors.rethrow(e, amount);
    }
    if (o.failed()) {
      throw LedgerErrors.refusal(o.errorState(), o.errorMessage(), o.errorDetail(), amount);
    }
    return new Hold(r.requestId(), o.amount(), o.available(), "DUPLICATE".equals(o.outcome()));
  }

  @Override
  public Settlement settle(TenantId tenant, Tier tier, String requestId, ServedUsage usage) {
    long cost = pricing.cost(tier, usage);
    Settlement leased = leases.settle(requestId, cost, usage, r -> charge(r, usage));
    if (leased != null) {
      return leased;
    }
    RuntimeException failure = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        LedgerApply.Outcome o = batches.settle(tenant, requestId, cost, usage);
        if (!o.failed()) {
          return new Settlement(requestId, o.outcome(), o.amount());
        }
        throw LedgerErrors.refusal(o.errorState(), o.errorMessage(), o.errorDetail(), cost);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    // Twice refused: the charge is recorded as owed, in a transaction of its own, and collected
    // by the reaper and reconciliation; the hold stays until then, so the call is never free.
    try {
      boolean owed = data.inTenant(tenant, c -> owe(c, requestId, cost, usage));
      LOG.log(
          java.util.logging.Level.WARNING,
          "BILL-0101 settle of "
              + requestId
              + " failed twice; "
              + (owed ? "recorded " + cost + " as owed" : "it had closed meanwhile"),
          failure);
      return new Settlement(requestId, owed ? "OWED" : "ALREADY_CLOSED", owed ? cost : 0);
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
      throw failure;
    }
  }

  private static boolean owe(Connection c, String requestId, long cost, ServedUsage usage)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT tessera_meta.billing_owe(?,?,?,?,?,?,?,?)")) {
      bindUsage(ps, requestId, cost, usage);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void bindUsage(
      PreparedStatement ps, String requestId, long cost, ServedUsage usage) throws SQLException {
    ps.setString(1, requestId);
    ps.setLong(2, cost);
    ps.setString(3, usage.servedModel());
    ps.setInt(4, (int) Math.min(Integer.MAX_VALUE, usage.tokens().input()));
    ps.setInt(5, (int) Math.min(Integer.MAX_VALUE, usage.tokens().output()));
    ps.setInt(6, (int) Math.min(Integer.MAX_VALUE, usage.tokens().cached()));
    ps.setString(7, usage.cache().name().toLowerCase(java.util.Locale.ROOT));
    ps.setString(8, "gateway");
  }

  @Override
  public void meter(HoldRequest r, ServedUsage usage) {
    boolean free =
        pricing.cost(r.tier(), usage) == 0
            && pricing.worstCase(r.tier(), r.price(), r.inputTokens(), r.maxOutputTokens()) == 0;
    if (!free || !recorder.offer(r, usage)) {
      charge(r, usage); // priced, or the recorder is saturated: record it now
    }
  }

  @Override
  public Settlement charge(HoldRequest r, ServedUsage usage) {
    long cost = pricing.cost(r.tier(), usage);
    long amount =
        Math.max(
            cost, pricing.worstCase(r.tier(), r.price(), r.inputTokens(), r.maxOutputTokens()));
    try {
      return data.inTenant(
          r.tenant(),
          c -> {
            reserve(c, r, amount);
            return settle(c, r.requestId(), cost, usage);
          });
    } catch (RuntimeException e) {
      throw LedgerErrors.rethrow(e, cost);
    }
  }

  private static Hold reserve(Connection c, HoldRequest r, long amount) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT outcome, held, available FROM tessera_meta.billing_reserve(?,?,?,?,?,?,?)")) {
      ps.setString(1, r.requestId());
      ps.setLong(2, amount);
      ps.setObject(3, r.keyId());
      ps.setString(4, r.tag());
      ps.setString(5, r.model());
      ps.setTimestamp(6, Timestamp.from(r.expiresAt()));
      ps.setString(7, actorOf(r.keyId()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Hold(
            r.requestId(), rs.getLong(2), rs.getLong(3), "DUPLICATE".equals(rs.getString(1)));
      }
    }
  }

  private static Settlement settle(Connection c, String requestId, long cost, ServedUsage usage)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT outcome, charged FROM tessera_meta.billing_settle(?,?,?,?,?,?,?,?)")) {
      bindUsage(ps, requestId, cost, usage);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new Settlement(requestId, rs.getString(1), rs.getLong(2));
      }
    }
  }

  @Override
  public void release(TenantId tenant, String requestId, String reason) {
    if (leases.release(requestId)) {
      return; // its worst case goes back to the lease, in memory
    }
    LedgerApply.Outcome o = batches.release(tenant, requestId, reason);
    if (o.failed()) {
      throw LedgerErrors.refusal(o.errorState(), o.errorMessage(), o.errorDetail(), 0);
    }
  }

  @Override
  public LedgerEvent record(TenantId tenant, Movement m) {
    validate(m);
    try {
      return data.inTenant(
          tenant,
          c -> {
            UUID id;
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT outcome, event_id FROM tessera_meta.billing_movement(?,?,?,?,?,?)")) {
              ps.setString(1, m.type().name());
              ps.setLong(2, m.amount());
              ps.setString(3, m.idempotencyKey());
              ps.setString(4, m.requestId());
              ps.setString(5, m.actor());
              ps.setString(6, m.reason());
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if ("CONFLICT".equals(rs.getString(1))) {
                  throw new ConflictException(
                      "This idempotency key was used for a different movement.");
                }
                id = (UUID) rs.getObject(2);
              }
            }
            return event(c, id); // read back in the same transaction
          });
    } catch (RuntimeException e) {
      RuntimeException known = LedgerErrors.rethrow(e, Math.abs(m.amount()));
      if (known instanceof dev.tessera.billing.api.InsufficientCreditsException) {
        throw new ConflictException(
            "That would take the available balance below zero; nothing was recorded.");
      }
      throw known;
    }
  }

  private static void validate(Movement m) {
    if (m.type() == null) {
      throw InvalidInputException.field("type", "is required");
    }
    if (m.amount() == 0 || (m.type() != MovementType.ADJUSTMENT && m.amount() < 0)) {
      throw InvalidInputException.field(
          "amount",
          m.type() == MovementType.ADJUSTMENT
              ? "must not be zero"
              : "must be a positive number of micro-credits");
    }
    if (m.reason() == null || m.reason().isBlank()) {
      throw InvalidInputException.field("reason", "is required: every movement says why");
    }
    if (m.reason().length() > 500) {
      throw InvalidInputException.field("reason", "must be at most 500 characters");
    }
    if (m.idempotencyKey() != null && m.idempotencyKey().length() > 200) {
      throw InvalidInputException.field("idempotencyKey", "must be at most 200 characters");
    }
  }

  @Override
  public Balance balance(TenantId tenant) {
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT balance, reserved FROM public.credit_accounts");
              ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Balance(rs.getLong(1), rs.getLong(2)) : new Balance(0, 0);
          }
        });
  }

  private static final String EVENT_COLUMNS =
      "id, type, amount, balance_delta, hold_delta, request_id, api_key_id, tag, model_requested,"
          + " model_served, tokens_in, tokens_out, tokens_cached, cache, actor, reason, created_at";

  private static LedgerEvent event(Connection c, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM public.credit_events WHERE id = ?")) {
      ps.setObject(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new NotFoundException("credit event", id);
        }
        return LedgerRows.event(rs);
      }
    }
  }

  @Override
  public Page<LedgerEvent> events(TenantId tenant, PageRequest page) {
    List<LedgerEvent> rows =
        data.inTenant(
            tenant,
            c ->
                LedgerRows.fetch(
                    c,
                    "SELECT " + EVENT_COLUMNS + " FROM public.credit_events e",
                    "e",
                    page,
                    LedgerRows::event));
    return LedgerRows.page(rows, page.size(), LedgerEvent::createdAt, LedgerEvent::id);
  }

  @Override
  public Reconciliation reconcile(TenantId tenant) {
    Reconciliation r = reconcileInDatabase(tenant);
    if (r.invalidEvents() > 0) {
      LOG.severe(
          "BILL-0100 tenant "
              + tenant
              + " has "
              + r.invalidEvents()
              + " ledger events whose effect does not follow from their type and amount;"
              + " they are not counted (inspect credit_events)");
    }
    if (r.repaired()) {
      metrics.drift(tenant);
      LOG.warning(
          "BILL-0020 tenant "
              + tenant
              + " projection drifted (balance "
              + r.projected().balance()
              + " vs "
              + r.fromEvents().balance()
              + " from events); repaired from the events");
    }
    return r;
  }

  private Reconciliation reconcileInDatabase(TenantId tenant) {
    return data.inTenant(
        tenant,
        c -> {
          // charges owed by failed settles are collected first, so the check sees them
          try (PreparedStatement owed =
              c.prepareStatement("SELECT tessera_meta.billing_collect_owed(1000)")) {
            owed.executeQuery().close();
          }
          try (PreparedStatement ps =
                  c.prepareStatement("SELECT * FROM tessera_meta.billing_reconcile()");
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Reconciliation(
                tenant,
                new Balance(rs.getLong(1), rs.getLong(2)),
                new Balance(rs.getLong(3), rs.getLong(4)),
                rs.getLong(5),
                rs.getBoolean(6),
                rs.getLong(7));
          }
        });
  }

  @Override
  public int reapExpired(TenantId tenant) {
    return data.inTenant(tenant, DefaultCreditLedger::reap);
  }

  private static int reap(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT tessera_meta.billing_reap(500)");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static String actorOf(UUID keyId) {
    return keyId == null ? "gateway" : "key:" + keyId;
  }
}

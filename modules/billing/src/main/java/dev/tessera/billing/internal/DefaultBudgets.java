package dev.tessera.billing.internal;

import dev.tessera.billing.api.Budget;
import dev.tessera.billing.api.BudgetAlert;
import dev.tessera.billing.api.Budgets;
import dev.tessera.billing.api.NewBudget;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Budgets as tenant-owned rows; their windows move inside the ledger functions. */
@ApplicationScoped
public class DefaultBudgets implements Budgets {
  static final int MAX_BUDGETS = 200;

  /** 10^15 micro-credits (a billion credits); the database holds the same bound. */
  static final long MAX_LIMIT = 1_000_000_000_000_000L;

  @Inject TenantData data;
  @Inject WebhookTargets webhooks;

  @Override
  public Budget create(TenantId tenant, NewBudget b) {
    List<Integer> thresholds = validate(b);
    UUID id = UUID.randomUUID();
    String scopeValue = b.scope() == Budget.Scope.TENANT ? "" : b.scopeValue().strip();
    try {
      data.inTenant(
          tenant,
          c -> {
            try (PreparedStatement count =
                    c.prepareStatement("SELECT count(*) FROM public.budgets");
                ResultSet rs = count.executeQuery()) {
              rs.next();
              if (rs.getLong(1) >= MAX_BUDGETS) {
                throw new ConflictException("A tenant has at most " + MAX_BUDGETS + " budgets.");
              }
            }
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO public.budgets (tenant_id, id, scope, scope_value, period,"
                        + " limit_amount, enforcement, alert_thresholds, webhook_url, created_by)"
                        + " VALUES (tessera_meta.billing_tenant(), ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
              ps.setObject(1, id);
              ps.setString(2, b.scope().name());
              ps.setString(3, scopeValue);
              ps.setString(4, b.period().name());
              ps.setLong(5, b.limit());
              ps.setString(6, b.enforcement().name());
              ps.setArray(7, c.createArrayOf("integer", thresholds.toArray()));
              ps.setString(8, b.webhookUrl());
              ps.setString(9, b.actor());
              ps.executeUpdate();
            }
            return null;
          });
    } catch (ConflictException e) {
      if (e.getMessage().contains("at most")) {
        throw e;
      }
      throw new ConflictException(
          "A budget for this scope and period exists already; delete it first.");
    }
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(WITH_WINDOW + " WHERE b.id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NotFoundException("budget", id);
              }
              return budget(rs);
            }
          }
        });
  }

  /** Budgets with their current window's spend. */
  private static final String WITH_WINDOW =
      "SELECT b.*, w.window_start, coalesce(w.spent, 0) AS spent,"
          + " coalesce(w.reserved, 0) AS reserved FROM public.budgets b"
          + " LEFT JOIN public.budget_windows w ON w.tenant_id = b.tenant_id"
          + " AND w.budget_id = b.id"
          + " AND w.window_start = tessera_meta.billing_window_start(b.period, now())";

  private List<Integer> validate(NewBudget b) {
    if (b.scope() == null) {
      throw InvalidInputException.field("scope", "must be TENANT, KEY or TAG");
    }
    if (b.period() == null) {
      throw InvalidInputException.field("period", "must be DAILY or MONTHLY");
    }
    if (b.enforcement() == null) {
      throw InvalidInputException.field("enforcement", "must be HARD or SOFT");
    }
    if (b.limit() <= 0 || b.limit() > MAX_LIMIT) {
      throw InvalidInputException.field(
          "limit", "must be a positive number of micro-credits, at most " + MAX_LIMIT);
    }
    if (b.scope() != Budget.Scope.TENANT) {
      if (b.scopeValue() == null || b.scopeValue().isBlank() || b.scopeValue().length() > 100) {
        throw InvalidInputException.field(
            "scopeValue", "names the API key id (KEY) or the tag (TAG), at most 100 characters");
      }
      if (b.scope() == Budget.Scope.KEY) {
        try {
          UUID.fromString(b.scopeValue().strip());
        } catch (IllegalArgumentException e) {
          throw InvalidInputException.field("scopeValue", "must be an API key id");
        }
      }
    } else if (b.scopeValue() != null && !b.scopeValue().isBlank()) {
      throw InvalidInputException.field("scopeValue", "a TENANT budget has no scope value");
    }
    List<Integer> thresholds =
        b.alertThresholds() == null ? List.of(80, 100) : List.copyOf(b.alertThresholds());
    if (thresholds.size() > 10
        || thresholds.stream().anyMatch(t -> t == null || t < 1 || t > 100)) {
      throw InvalidInputException.field(
          "alertThresholds", "at most 10 percentages, each from 1 to 100");
    }
    if (b.webhookUrl() != null) {
      webhooks.check("webhookUrl", b.webhookUrl());
    }
    return thresholds.stream().distinct().sorted().toList();
  }

  @Override
  public Page<Budget> list(TenantId tenant, PageRequest page) {
    List<Budget> rows =
        data.inTenant(
            tenant, c -> LedgerRows.fetch(c, WITH_WINDOW, "b", page, DefaultBudgets::budget));
    return LedgerRows.page(rows, page.size(), Budget::createdAt, Budget::id);
  }

  private static Budget budget(ResultSet rs) throws SQLException {
    Array th = rs.getArray("alert_thresholds");
    List<Integer> thresholds = Arrays.asList((Integer[]) th.getArray());
    java.sql.Date window = rs.getDate("window_start");
    return new Budget(
        (UUID) rs.getObject("id"),
        Budget.Scope.valueOf(rs.getString("scope")),
        rs.getString("scope_value"),
        Budget.Period.valueOf(rs.getString("period")),
        rs.getLong("limit_amount"),
        Budget.Enforcement.valueOf(rs.getString("enforcement")),
        thresholds,
        rs.getString("webhook_url"),
        window == null ? null : window.toLocalDate(),
        rs.getLong("spent"),
        rs.getLong("reserved"),
        rs.getTimestamp("created_at").toInstant());
  }

  @Override
  public void delete(TenantId tenant, UUID budgetId) {
    int n =
        data.inTenant(
            tenant,
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM public.budgets WHERE id = ?")) {
                ps.setObject(1, budgetId);
                return ps.executeUpdate();
              }
            });
    if (n == 0) {
      throw new NotFoundException("budget", budgetId);
    }
  }

  @Override
  public Page<BudgetAlert> alerts(TenantId tenant, PageRequest page) {
    List<BudgetAlert> rows =
        data.inTenant(
            tenant,
            c ->
                LedgerRows.fetch(
                    c,
                    "SELECT a.id, a.budget_id, a.window_start, a.threshold, a.spent, a.limit_amount,"
                        + " a.created_at, a.delivered_at FROM public.budget_alerts a",
                    "a",
                    page,
                    DefaultBudgets::alert));
    return LedgerRows.page(rows, page.size(), BudgetAlert::createdAt, BudgetAlert::id);
  }

  private static BudgetAlert alert(ResultSet rs) throws SQLException {
    Timestamp delivered = rs.getTimestamp(8);
    return new BudgetAlert(
        (UUID) rs.getObject(1),
        (UUID) rs.getObject(2),
        rs.getDate(3).toLocalDate(),
        rs.getInt(4),
        rs.getLong(5),
        rs.getLong(6),
        rs.getTimestamp(7).toInstant(),
        delivered == null ? null : delivered.toInstant());
  }
}

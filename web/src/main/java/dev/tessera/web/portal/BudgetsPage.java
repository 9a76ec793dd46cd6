package dev.tessera.web.portal;

import dev.tessera.billing.api.Budget;
import dev.tessera.billing.api.BudgetAlert;
import dev.tessera.billing.api.Budgets;
import dev.tessera.billing.api.NewBudget;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Budgets (tenant, key or tag; daily or monthly; hard or soft) and the alerts they raised. */
@Named
@ViewScoped
public class BudgetsPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject Budgets budgets;

  private List<Budget> list = List.of();
  private List<BudgetAlert> alerts = List.of();
  private Budget.Scope scope = Budget.Scope.TENANT;
  private String scopeValue;
  private Budget.Period period = Budget.Period.MONTHLY;
  private BigDecimal limitCredits;
  private Budget.Enforcement enforcement = Budget.Enforcement.SOFT;
  private String thresholds = "80, 100";
  private String webhookUrl;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.MONEY_VIEW;
  }

  @Override
  protected void refresh() {
    var t = require(Permissions.MONEY_VIEW);
    list = budgets.list(t, PageRequest.of(null, 100)).items();
    alerts = budgets.alerts(t, PageRequest.of(null, 50)).items();
  }

  public void create() {
    if (limitCredits == null || limitCredits.signum() <= 0) {
      error("Enter a limit in credits greater than zero.");
      return;
    }
    List<Integer> levels = new ArrayList<>();
    try {
      Arrays.stream(thresholds == null ? new String[0] : thresholds.split("[,\\s]+"))
          .filter(s -> !s.isBlank())
          .forEach(s -> levels.add(Integer.parseInt(s.strip())));
    } catch (NumberFormatException e) {
      error("Alert thresholds are whole percentages separated by commas, such as 80, 100.");
      return;
    }
    if (attempt(
        "budgets.create",
        "budgets",
        null,
        () ->
            budgets.create(
                require(Permissions.BUDGETS_MANAGE),
                new NewBudget(
                    scope,
                    scope == Budget.Scope.TENANT ? null : blankToNull(scopeValue),
                    period,
                    Money.toMicro(limitCredits),
                    enforcement,
                    levels,
                    blankToNull(webhookUrl),
                    access.actor())))) {
      info("Budget saved.");
      scopeValue = null;
      limitCredits = null;
      webhookUrl = null;
      refresh();
    }
  }

  public void delete(String budgetId) {
    if (attempt(
        "budgets.delete",
        "budgets",
        budgetId,
        () -> {
          budgets.delete(require(Permissions.BUDGETS_MANAGE), UUID.fromString(budgetId));
          return null;
        })) {
      info("Budget deleted.");
      refresh();
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  public boolean isManage() {
    return can(Permissions.BUDGETS_MANAGE);
  }

  public int percentUsed(Budget b) {
    return b.limit() == 0 ? 0 : (int) Math.min(100, (b.spent() + b.reserved()) * 100 / b.limit());
  }

  public Budget.Scope[] getScopes() {
    return Budget.Scope.values();
  }

  public Budget.Period[] getPeriods() {
    return Budget.Period.values();
  }

  public Budget.Enforcement[] getEnforcements() {
    return Budget.Enforcement.values();
  }

  public List<Budget> getList() {
    return list;
  }

  public List<BudgetAlert> getAlerts() {
    return alerts;
  }

  public Budget.Scope getScope() {
    return scope;
  }

  public void setScope(Budget.Scope scope) {
    this.scope = scope;
  }

  public String getScopeValue() {
    return scopeValue;
  }

  public void setScopeValue(String scopeValue) {
    this.scopeValue = scopeValue;
  }

  public Budget.Period getPeriod() {
    return period;
  }

  public void setPeriod(Budget.Period period) {
    this.period = period;
  }

  public BigDecimal getLimitCredits() {
    return limitCredits;
  }

  public void setLimitCredits(BigDecimal limitCredits) {
    this.limitCredits = limitCredits;
  }

  public Budget.Enforcement getEnforcement() {
    return enforcement;
  }

  public void setEnforcement(Budget.Enforcement enforcement) {
    this.enforcement = enforcement;
  }

  public String getThresholds() {
    return thresholds;
  }

  public void setThresholds(String thresholds) {
    this.thresholds = thresholds;
  }

  public String getWebhookUrl() {
    return webhookUrl;
  }

  public void setWebhookUrl(String webhookUrl) {
    this.webhookUrl = webhookUrl;
  }
}

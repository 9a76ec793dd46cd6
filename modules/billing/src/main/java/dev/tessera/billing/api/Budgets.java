package dev.tessera.billing.api;

import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import java.util.UUID;

/** A tenant's budgets and the alerts they raised. */
public interface Budgets {
  Budget create(TenantId tenant, NewBudget budget);

  Page<Budget> list(TenantId tenant, PageRequest page);

  /** Removes a budget; another tenant's id is not found. */
  void delete(TenantId tenant, UUID budgetId);

  Page<BudgetAlert> alerts(TenantId tenant, PageRequest page);
}

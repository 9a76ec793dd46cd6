package dev.tessera.billing.api;

import dev.tessera.tenancy.api.TesseraException;

/** A hard budget (tenant, key or tag) would be crossed by this request's worst-case cost (402). */
public class BudgetExceededException extends TesseraException {
  public BudgetExceededException(String budgetId) {
    super(
        402,
        "budget-exceeded",
        "A hard budget (" + budgetId + ") does not allow this request's cost in its window.");
  }
}

package dev.tessera.web.portal;

import dev.tessera.billing.api.Balance;
import dev.tessera.billing.api.CreditLedger;
import dev.tessera.tenancy.api.Role;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.Set;

/** The portal's first page: the tenant, its tier and (for those who may see money) its credits. */
@Named
@ViewScoped
public class DashboardPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject CreditLedger ledger;

  private Balance balance;

  @Override
  public void load() {
    if (access.user().isOperator() && (getTenant() == null || getTenant().isBlank())) {
      return; // the operator's home: the menu leads to tenants and the catalog
    }
    super.load();
  }

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.ANY;
  }

  @Override
  protected void refresh() {
    balance = can(Permissions.MONEY_VIEW) ? ledger.balance(require(Permissions.MONEY_VIEW)) : null;
  }

  public Balance getBalance() {
    return balance;
  }
}

package dev.tessera.routing.internal.telemetry;

import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.Hold;
import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.Reconciliation;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.billing.api.Settlement;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * Credit velocity on /metrics and ledger steps in traces: micro-credits held and spent per tenant
 * (tenant label bounded), the credits each tenant had available after its last hold, and the
 * outcome and drift of every reconciliation. A decorator of the ledger, so billing stays as it is.
 */
@Decorator
@Priority(Interceptor.Priority.APPLICATION)
public abstract class ObservedLedger implements CreditLedger {
  @Inject @Delegate @Any CreditLedger delegate;
  @Inject GenAiMetrics metrics;
  @Inject GatewayTracing tracing;
  @Inject LedgerWatch watch;
  @Inject BudgetGauges budgets;

  @Override
  public Hold reserve(HoldRequest request) {
    Object step = tracing.step("ledger hold");
    try {
      Hold h = delegate.reserve(request);
      if (metrics.enabled() && !h.duplicate()) {
        metrics.countForTenant(
            "tessera_credits_reserved_microcredits", request.tenant(), h.amount());
        metrics.setForTenant(
            "tessera_credits_available_microcredits", request.tenant(), h.available());
        budgets.watch(request.tenant());
      }
      tracing.end(step, null);
      return h;
    } catch (RuntimeException e) {
      tracing.end(step, e);
      throw e;
    }
  }

  @Override
  public Settlement settle(TenantId tenant, Tier tier, String requestId, ServedUsage usage) {
    Object step = tracing.step("ledger settle");
    try {
      Settlement s = delegate.settle(tenant, tier, requestId, usage);
      spent(tenant, s);
      tracing.end(step, null);
      return s;
    } catch (RuntimeException e) {
      tracing.end(step, e);
      throw e;
    }
  }

  @Override
  public Settlement charge(HoldRequest hold, ServedUsage usage) {
    Object step = tracing.step("ledger charge");
    try {
      Settlement s = delegate.charge(hold, usage);
      spent(hold.tenant(), s);
      tracing.end(step, null);
      return s;
    } catch (RuntimeException e) {
      tracing.end(step, e);
      throw e;
    }
  }

  @Override
  public void release(TenantId tenant, String requestId, String reason) {
    Object step = tracing.step("ledger release");
    try {
      delegate.release(tenant, requestId, reason);
      tracing.end(step, null);
    } catch (RuntimeException e) {
      tracing.end(step, e);
      throw e;
    }
  }

  @Override
  public Reconciliation reconcile(TenantId tenant) {
    try {
      Reconciliation r = delegate.reconcile(tenant);
      watch.reconciled(tenant, r.repaired() ? r.balanceDrift() : 0);
      if (metrics.enabled()) {
        metrics.count("tessera_billing_reconciliations", "outcome", r.repaired() ? "drift" : "ok");
        metrics.setForTenant(
            "tessera_billing_reconciliation_last_drift_microcredits", tenant, r.balanceDrift());
      }
      return r;
    } catch (RuntimeException e) {
      watch.failed();
      if (metrics.enabled()) {
        metrics.count("tessera_billing_reconciliations", "outcome", "failed");
      }
      throw e;
    }
  }

  private void spent(TenantId tenant, Settlement s) {
    if (metrics.enabled() && s.charged() > 0 && "SETTLED".equals(s.outcome())) {
      metrics.countForTenant("tessera_credits_spent_microcredits", tenant, s.charged());
    }
  }
}

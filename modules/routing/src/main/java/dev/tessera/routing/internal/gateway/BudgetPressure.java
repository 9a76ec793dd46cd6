package dev.tessera.routing.internal.gateway;

import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.Pricing;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Budget-aware routing: when a tenant's available credits would cover fewer than {@code
 * TESSERA_ROUTING_BUDGET_HEADROOM} worst-case calls of the model {@code auto} picked, {@code auto}
 * stops escalating and takes the cheapest model that can do the job. Balances are read at most once
 * a second per tenant and instance.
 */
@ApplicationScoped
public class BudgetPressure {
  private static final long TTL_NANOS = 1_000_000_000L;

  @Inject CreditLedger ledger;
  @Inject Pricing pricing;

  @Inject
  @ConfigProperty(name = "tessera.routing.budget-headroom", defaultValue = "50")
  int headroom;

  private record Seen(long available, long readAt) {}

  private final Map<TenantId, Seen> balances = new ConcurrentHashMap<>();

  /** True when {@code pick}'s worst case times the headroom exceeds the tenant's credits. */
  boolean tight(GatewayCall call, CatalogModel pick, long inputTokens, long maxOutputTokens) {
    if (headroom <= 0 || pick.price().isFree()) {
      return false;
    }
    long worst = pricing.worstCase(call.tier(), pick.price(), inputTokens, maxOutputTokens);
    return available(call.tenant()) / headroom < worst;
  }

  private long available(TenantId tenant) {
    long now = System.nanoTime();
    Seen s = balances.get(tenant);
    if (s == null || now - s.readAt() > TTL_NANOS) {
      if (balances.size() > 100_000) {
        balances.clear();
      }
      s = new Seen(ledger.balance(tenant).available(), now);
      balances.put(tenant, s);
    }
    return s.available();
  }
}

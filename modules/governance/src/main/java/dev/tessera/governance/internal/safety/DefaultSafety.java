package dev.tessera.governance.internal.safety;

import dev.tessera.governance.api.safety.Safety;
import dev.tessera.governance.api.safety.SafetyPolicies;
import dev.tessera.governance.api.safety.SafetyPolicy;
import dev.tessera.governance.api.safety.SafetyScreen;
import dev.tessera.governance.api.safety.SafetyVerdicts;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens a screen per request on the tenant's compiled policy. Policies are compiled once per stored
 * version (the store hands out the same instance while its cache holds it), so the request path
 * never recompiles a pattern.
 */
@ApplicationScoped
public class DefaultSafety implements Safety {
  private static final Logger LOG = Logger.getLogger(DefaultSafety.class.getName());

  @Inject SafetyPolicies policies;
  @Inject Event<SafetyVerdicts> events;

  private final Map<TenantId, CompiledPolicy> compiled = new ConcurrentHashMap<>();
  private final Consumer<SafetyVerdicts> publisher = this::publish;

  @Override
  public SafetyScreen screen(TenantId tenant, String requestId) {
    SafetyPolicy p = policies.get(tenant);
    CompiledPolicy c = compiled.get(tenant);
    if (c == null || c.source != p) {
      c = new CompiledPolicy(p);
      if (compiled.size() > 100_000) {
        compiled.clear();
      }
      compiled.put(tenant, c);
    }
    return new RequestScreen(c, tenant, requestId, publisher);
  }

  private void publish(SafetyVerdicts v) {
    try {
      events.fire(v);
    } catch (RuntimeException e) {
      // an observer's failure must not fail the caller's request
      LOG.log(Level.WARNING, "GOV-0203 a safety verdicts observer failed", e);
    }
  }
}

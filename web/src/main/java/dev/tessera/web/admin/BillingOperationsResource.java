package dev.tessera.web.admin;

import dev.tessera.billing.api.BillingOperations;
import dev.tessera.tenancy.api.Caller;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** The operator's levers on billing's background jobs: run the reaper or reconciliation now. */
@Path("v1/billing")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BillingOperationsResource {
  @Inject Caller caller;
  @Inject BillingOperations operations;

  /** Releases, across all tenants, the holds whose requests died (expired reservations). */
  @POST
  @Path("reaper")
  public Map<String, Integer> reap() {
    caller.requirePlatformAdmin();
    return Map.of("released", operations.reapExpired());
  }

  /** Reconciles every tenant's balances against its events now. */
  @POST
  @Path("reconcile")
  public Map<String, Integer> reconcile() {
    caller.requirePlatformAdmin();
    return Map.of("repaired", operations.reconcileAll());
  }
}

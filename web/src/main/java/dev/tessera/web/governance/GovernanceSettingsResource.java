package dev.tessera.web.governance;

import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.GovernanceSettings;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

/** A tenant's governance settings: store prompts or only their hash, retention, eval threshold. */
@Path("v1/tenants/{tenantId}/governance-settings")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class GovernanceSettingsResource {
  @Inject Caller caller;
  @Inject DecisionLog decisions;
  @Context HttpServletRequest http;

  @GET
  public GovernanceSettings settings(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return decisions.settings(tenant);
  }

  /** The settings as written; absent fields keep their value. */
  public record SettingsBody(
      Boolean storePrompts, Integer decisionRetentionDays, Integer minEvalPassRate) {}

  @PUT
  public GovernanceSettings update(@PathParam("tenantId") String tenantId, SettingsBody body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    if (body == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    GovernanceSettings now = decisions.settings(tenant);
    return decisions.updateSettings(
        tenant,
        Actors.of(caller, http),
        new GovernanceSettings(
            body.storePrompts() == null ? now.storePrompts() : body.storePrompts(),
            body.decisionRetentionDays() == null
                ? now.decisionRetentionDays()
                : body.decisionRetentionDays(),
            body.minEvalPassRate() == null ? now.minEvalPassRate() : body.minEvalPassRate()));
  }
}

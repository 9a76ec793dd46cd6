package dev.tessera.web.governance;

import dev.tessera.governance.api.DecisionLog;
import dev.tessera.governance.api.DecisionQuery;
import dev.tessera.governance.api.DecisionView;
import dev.tessera.governance.api.Feedback;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * A tenant's decision log: one entry per model request, searchable by time, model and outcome. (Its
 * siblings under the tenant: {@link GovernanceSettingsResource}, {@link FeedbackSummaryResource};
 * no resource is rooted at the tenant itself, which would hide every other tenant sub-path.)
 */
@Path("v1/tenants/{tenantId}/decisions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DecisionsResource {
  @Inject Caller caller;
  @Inject DecisionLog decisions;
  @Inject Feedback feedback;
  @Context HttpServletRequest http;

  /** One page of decisions, newest first. */
  public record DecisionPage(List<DecisionView> data, String nextCursor) {}

  @GET
  public DecisionPage search(
      @PathParam("tenantId") String tenantId,
      @QueryParam("from") String from,
      @QueryParam("to") String to,
      @QueryParam("model") String model,
      @QueryParam("outcome") String outcome,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    Page<DecisionView> page =
        decisions.search(
            tenant,
            new DecisionQuery(
                Times.parse("from", from), Times.parse("to", to), blank(model), blank(outcome)),
            PageRequest.of(cursor, AuditResource.limit(limit)));
    return new DecisionPage(page.items(), page.nextCursor());
  }

  @GET
  @Path("{requestId}")
  public DecisionView get(
      @PathParam("tenantId") String tenantId, @PathParam("requestId") String requestId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return decisions
        .get(tenant, requestId)
        .orElseThrow(() -> new NotFoundException("decision", requestId));
  }

  @POST
  @Path("purge")
  public PurgeReport purge(@PathParam("tenantId") String tenantId) {
    caller.requirePlatformAdmin();
    return new PurgeReport(decisions.purgeExpired());
  }

  /** How many decisions the purge removed (every tenant's, by their own retention). */
  public record PurgeReport(long purged) {}

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}

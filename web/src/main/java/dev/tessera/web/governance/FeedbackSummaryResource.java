package dev.tessera.web.governance;

import dev.tessera.governance.api.Feedback;
import dev.tessera.governance.api.FeedbackSummary;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Feedback on a tenant's answers, aggregated per prompt version and model. */
@Path("v1/tenants/{tenantId}/feedback")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class FeedbackSummaryResource {
  @Inject Caller caller;
  @Inject Feedback feedback;

  @GET
  @Path("summary")
  public List<FeedbackSummary> feedback(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return feedback.summary(tenant);
  }
}

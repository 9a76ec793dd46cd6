package dev.tessera.web.telemetry;

import dev.tessera.routing.api.TelemetrySettings;
import dev.tessera.routing.api.TenantTelemetry;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A tenant's telemetry settings: whether the text of its model calls may go into its traces. The
 * answer also says whether the platform allows it, since both must agree before any text is kept.
 */
@Path("v1/tenants/{tenantId}/telemetry")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TelemetrySettingsResource {
  @Inject Caller caller;
  @Inject TenantTelemetry telemetry;

  /**
   * {@code traceContent}: the tenant's consent; {@code platformCapturesContent}: the platform's
   * (tracing on and OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true); {@code
   * contentInTraces}: both, i.e. what happens now.
   */
  public record View(
      boolean traceContent, boolean platformCapturesContent, boolean contentInTraces) {
    static View of(TelemetrySettings s, boolean platform) {
      return new View(s.traceContent(), platform, s.traceContent() && platform);
    }
  }

  /** The settings as written; an absent field keeps its value. */
  public record Body(Boolean traceContent) {}

  @GET
  public View settings(@PathParam("tenantId") String tenantId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.VIEWER);
    return View.of(telemetry.settings(tenant), telemetry.platformCapturesContent());
  }

  @PUT
  public View update(@PathParam("tenantId") String tenantId, Body body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN);
    if (body == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    TelemetrySettings now = telemetry.settings(tenant);
    TelemetrySettings next =
        new TelemetrySettings(
            body.traceContent() == null ? now.traceContent() : body.traceContent());
    return View.of(telemetry.update(tenant, next), telemetry.platformCapturesContent());
  }
}

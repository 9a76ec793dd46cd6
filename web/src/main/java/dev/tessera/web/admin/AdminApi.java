package dev.tessera.web.admin;

import dev.tessera.web.platform.AdmissionFilter;
import dev.tessera.web.platform.BodyLimit;
import dev.tessera.web.platform.ProblemMapper;
import dev.tessera.web.platform.RequestMetrics;
import dev.tessera.web.platform.StrictJson;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/**
 * The admin API under /api. Its classes are listed explicitly so the /v1 gateway application, which
 * arrives with the gateway issue, can live beside it with its own error shape.
 */
@ApplicationPath("api")
@OpenAPIDefinition(
    info =
        @Info(
            title = "Tessera admin API",
            version = "v1",
            description =
                "Tenants, tiers, API keys, users, the model catalog, credits, budgets and usage."
                    + " Errors are RFC 9457 problem+json."))
public class AdminApi extends Application {
  @Override
  public Set<Class<?>> getClasses() {
    return Set.of(
        TenantsResource.class,
        ApiKeysResource.class,
        UsersResource.class,
        CatalogResource.class,
        RoutingPolicyResource.class,
        ProviderKeysResource.class,
        CreditsResource.class,
        BudgetsResource.class,
        UsageResource.class,
        BillingOperationsResource.class,
        WebhookSecretResource.class,
        SafetyPolicyResource.class,
        ToolsResource.class,
        dev.tessera.web.governance.AuditResource.class,
        dev.tessera.web.governance.PromptsResource.class,
        dev.tessera.web.governance.DecisionsResource.class,
        dev.tessera.web.governance.GovernanceSettingsResource.class,
        dev.tessera.web.governance.FeedbackSummaryResource.class,
        dev.tessera.web.governance.AdminActionAudit.class,
        ToolExecutionsResource.class,
        dev.tessera.web.telemetry.TelemetrySettingsResource.class,
        dev.tessera.web.telemetry.InstanceTelemetryResource.class,
        ProblemMapper.class,
        BodyLimit.class,
        AdmissionFilter.class,
        RequestMetrics.class,
        StrictJson.class);
  }
}

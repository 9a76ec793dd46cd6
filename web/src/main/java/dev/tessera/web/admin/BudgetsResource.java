package dev.tessera.web.admin;

import dev.tessera.billing.api.Budget;
import dev.tessera.billing.api.BudgetAlert;
import dev.tessera.billing.api.Budgets;
import dev.tessera.billing.api.NewBudget;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.web.admin.Representations.PageOf;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** A tenant's budgets (per tenant, key or workflow tag) and the alerts they raised. */
@Path("v1/tenants/{tenantId}/budgets")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BudgetsResource {
  @Inject Caller caller;
  @Inject Budgets budgets;

  /** A budget as posted; the limit in micro-credits. */
  public record NewBudgetBody(
      String scope,
      String scopeValue,
      String period,
      Long limit,
      String enforcement,
      List<Integer> alertThresholds,
      String webhookUrl) {}

  @POST
  public Response create(@PathParam("tenantId") String tenantId, NewBudgetBody body) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING);
    NewBudgetBody b = Bodies.required(body);
    if (b.limit() == null) {
      throw InvalidInputException.field("limit", "is required (micro-credits)");
    }
    Budget created =
        budgets.create(
            tenant,
            new NewBudget(
                parse(Budget.Scope.class, "scope", b.scope(), Budget.Scope.TENANT),
                b.scopeValue(),
                parse(Budget.Period.class, "period", b.period(), null),
                b.limit(),
                parse(Budget.Enforcement.class, "enforcement", b.enforcement(), null),
                b.alertThresholds(),
                b.webhookUrl(),
                caller.isPlatformAdmin()
                    ? "operator"
                    : "key:" + caller.keyId().map(UUID::toString).orElse("?")));
    return Response.status(Response.Status.CREATED).entity(created).build();
  }

  @GET
  public PageOf<Budget> list(
      @PathParam("tenantId") String tenantId,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING, Role.VIEWER);
    return PageOf.of(budgets.list(tenant, PageRequest.of(cursor, Bodies.limit(limit))), b -> b);
  }

  @DELETE
  @Path("{budgetId}")
  public Response delete(
      @PathParam("tenantId") String tenantId, @PathParam("budgetId") String budgetId) {
    TenantId tenant = caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING);
    UUID id;
    try {
      id = UUID.fromString(budgetId);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException("budget", budgetId);
    }
    budgets.delete(tenant, id);
    return Response.noContent().build();
  }

  @GET
  @Path("alerts")
  public PageOf<BudgetAlert> alerts(
      @PathParam("tenantId") String tenantId,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING, Role.VIEWER);
    return PageOf.of(budgets.alerts(tenant, PageRequest.of(cursor, Bodies.limit(limit))), a -> a);
  }

  static <E extends Enum<E>> E parse(Class<E> type, String field, String raw, E fallback) {
    if (raw == null || raw.isBlank()) {
      if (fallback != null) {
        return fallback;
      }
      throw InvalidInputException.field(field, "is required");
    }
    try {
      return Enum.valueOf(type, raw.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field(
          field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }
}

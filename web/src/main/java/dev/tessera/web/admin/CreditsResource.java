package dev.tessera.web.admin;

import dev.tessera.billing.api.Balance;
import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.LedgerEvent;
import dev.tessera.billing.api.Movement;
import dev.tessera.billing.api.MovementType;
import dev.tessera.billing.api.Reconciliation;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.web.admin.Representations.PageOf;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/**
 * A tenant's credits: the balance and the event trail (its admins, viewers and billing users may
 * read them), and movements with a reason and an actor (the platform operator only).
 */
@Path("v1/tenants/{tenantId}/credits")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class CreditsResource {
  @Inject Caller caller;
  @Inject CreditLedger ledger;

  /** A movement as posted: type, amount in micro-credits, why, and optional keys. */
  public record NewMovement(
      String type, Long amount, String reason, String idempotencyKey, String requestId) {}

  /** The balance as shown: all in micro-credits. */
  public record BalanceView(long balance, long reserved, long available) {
    static BalanceView of(Balance b) {
      return new BalanceView(b.balance(), b.reserved(), b.available());
    }
  }

  @GET
  public BalanceView balance(@PathParam("tenantId") String tenantId) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING, Role.VIEWER);
    return BalanceView.of(ledger.balance(tenant));
  }

  @POST
  public Response record(
      @PathParam("tenantId") String tenantId,
      @HeaderParam("Idempotency-Key") String idempotencyHeader,
      NewMovement body) {
    caller.requirePlatformAdmin();
    TenantId tenant = TenantId.parse(tenantId);
    NewMovement b = Bodies.required(body);
    MovementType type = movementType(b.type());
    if (b.amount() == null) {
      throw InvalidInputException.field("amount", "is required (micro-credits)");
    }
    String key = b.idempotencyKey() != null ? b.idempotencyKey() : idempotencyHeader;
    LedgerEvent event =
        ledger.record(
            tenant,
            new Movement(
                type, b.amount(), key, blankToNull(b.requestId()), "operator", b.reason()));
    return Response.status(Response.Status.CREATED).entity(event).build();
  }

  @GET
  @Path("events")
  public PageOf<LedgerEvent> events(
      @PathParam("tenantId") String tenantId,
      @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    TenantId tenant =
        caller.requireTenantRole(tenantId, Role.TENANT_ADMIN, Role.BILLING, Role.VIEWER);
    return PageOf.of(ledger.events(tenant, PageRequest.of(cursor, Bodies.limit(limit))), e -> e);
  }

  /** Recomputes the balance from the events now; drift is repaired and reported. */
  @POST
  @Path("reconcile")
  public Reconciliation reconcile(@PathParam("tenantId") String tenantId) {
    caller.requirePlatformAdmin();
    return ledger.reconcile(TenantId.parse(tenantId));
  }

  private static MovementType movementType(String raw) {
    if (raw == null || raw.isBlank()) {
      throw InvalidInputException.field(
          "type", "is required: GRANT, PURCHASE, REFUND, ADJUSTMENT or EXPIRY");
    }
    try {
      return MovementType.valueOf(raw.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field(
          "type", "must be GRANT, PURCHASE, REFUND, ADJUSTMENT or EXPIRY");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}

package dev.tessera.routing.api;

import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;
import java.util.UUID;

/**
 * Who is calling the gateway, for which request, until when, and what fallback they consent to
 * ({@code null}: the platform default). {@code tag} names the caller's workflow for budgets and
 * usage reports ({@code null}: none). {@code report}, when the caller gives one, is filled with
 * what the gateway did (for the decision log); {@code null}: nobody asks.
 */
public record GatewayCall(
    TenantId tenant,
    Tier tier,
    UUID keyId,
    String requestId,
    Deadline deadline,
    Fallback fallback,
    String tag,
    CallReport report) {

  /** A call nobody wants a report of. */
  public GatewayCall(
      TenantId tenant,
      Tier tier,
      UUID keyId,
      String requestId,
      Deadline deadline,
      Fallback fallback,
      String tag) {
    this(tenant, tier, keyId, requestId, deadline, fallback, tag, null);
  }

  /** A call with no workflow tag. */
  public GatewayCall(
      TenantId tenant,
      Tier tier,
      UUID keyId,
      String requestId,
      Deadline deadline,
      Fallback fallback) {
    this(tenant, tier, keyId, requestId, deadline, fallback, null, null);
  }
}

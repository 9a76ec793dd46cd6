package dev.tessera.web.admin;

import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.Tier;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Request bodies of the admin API, bound strictly (unknown fields are refused). */
final class Bodies {
  private Bodies() {}

  /** Limits in a request; on PATCH, absent fields keep their current value. */
  public record Limits(
      Integer requestsPerMinute,
      Integer tokensPerMinute,
      Integer maxConcurrentRequests,
      Integer keyRequestsPerMinute,
      Integer keyTokensPerMinute) {

    TenantLimits over(TenantLimits base) {
      return new TenantLimits(
          or(requestsPerMinute, base.requestsPerMinute()),
          or(tokensPerMinute, base.tokensPerMinute()),
          or(maxConcurrentRequests, base.maxConcurrentRequests()),
          or(keyRequestsPerMinute, base.keyRequestsPerMinute()),
          or(keyTokensPerMinute, base.keyTokensPerMinute()));
    }

    private static int or(Integer v, int base) {
      return v == null ? base : v;
    }
  }

  /** {@code adminEmail}: the first administrator made in Keycloak when SSO provisioning is on. */
  public record CreateTenant(
      String slug, String name, Tier tier, Limits limits, String adminEmail) {}

  public record PatchTenant(String name, Limits limits, TenantStatus status) {}

  public record ChangeTier(Tier tier) {}

  public record CreateKey(String name, List<String> scopes, Instant expiresAt) {}

  public record CreateUser(String email, String displayName, String password, Set<Role> roles) {}

  static <T> T required(T body) {
    if (body == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    return body;
  }

  static Integer limit(String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Integer.valueOf(raw.trim());
    } catch (NumberFormatException e) {
      throw InvalidInputException.field("limit", "must be an integer");
    }
  }
}

package dev.tessera.web.portal;

import dev.tessera.tenancy.api.Role;
import java.io.Serializable;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Who is signed in to the portal, kept in the HTTP session: a tenant's user (with the roles it had
 * at sign-in) or the platform operator ({@code tenantId} null). {@code signedInAt} lets "sign out
 * everywhere" end every session started before it.
 */
public record PortalUser(
    UUID tenantId,
    String tenantSlug,
    String subject,
    String email,
    String displayName,
    Set<Role> roles,
    String method,
    Instant signedInAt)
    implements Serializable {

  static PortalUser operator(Instant now) {
    return new PortalUser(
        null,
        null,
        "platform-operator",
        null,
        "Platform operator",
        EnumSet.of(Role.PLATFORM_ADMIN),
        "operator-token",
        now);
  }

  public boolean isOperator() {
    return roles.contains(Role.PLATFORM_ADMIN);
  }

  /** True when the user holds any of these roles (the operator holds them all). */
  public boolean hasAny(Set<Role> wanted) {
    return isOperator() || wanted.stream().anyMatch(roles::contains);
  }

  /** The caller name the container knows the session by. */
  String principalName() {
    return isOperator() ? subject : "user:" + subject;
  }

  /** The key revocations are recorded under: one per person, across tenants. */
  String revocationKey() {
    return isOperator() ? "operator" : tenantId + "/" + subject;
  }

  Set<String> groups() {
    return roles.stream().map(Role::name).collect(Collectors.toSet());
  }

  /** For logs: the id only, never the email (tenant content). */
  String logName() {
    return isOperator() ? "operator" : "user " + subject + " of tenant " + tenantId;
  }
}

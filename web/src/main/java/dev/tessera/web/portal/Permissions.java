package dev.tessera.web.portal;

import static dev.tessera.tenancy.api.Role.BILLING;
import static dev.tessera.tenancy.api.Role.DEVELOPER;
import static dev.tessera.tenancy.api.Role.TENANT_ADMIN;
import static dev.tessera.tenancy.api.Role.VIEWER;

import dev.tessera.tenancy.api.Role;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which roles see and change what in the portal: the admin API's rules (an {@code admin} key acts
 * as TENANT_ADMIN, a {@code read} key as VIEWER), plus BILLING for money and DEVELOPER for keys,
 * usage and routing. The platform operator passes every check.
 */
final class Permissions {
  static final Set<Role> ANY = EnumSet.of(TENANT_ADMIN, DEVELOPER, BILLING, VIEWER);
  static final Set<Role> KEYS_VIEW = EnumSet.of(TENANT_ADMIN, DEVELOPER, VIEWER);
  static final Set<Role> KEYS_MANAGE = EnumSet.of(TENANT_ADMIN);
  static final Set<Role> USERS = EnumSet.of(TENANT_ADMIN);
  static final Set<Role> MONEY_VIEW = EnumSet.of(TENANT_ADMIN, BILLING, VIEWER);
  static final Set<Role> BUDGETS_MANAGE = EnumSet.of(TENANT_ADMIN, BILLING);
  static final Set<Role> USAGE = EnumSet.of(TENANT_ADMIN, BILLING, VIEWER, DEVELOPER);
  static final Set<Role> ROUTING_VIEW = EnumSet.of(TENANT_ADMIN, DEVELOPER);

  /** Routing policies are set by the operator (PUT …/routing-policy is operator-only). */
  static final Set<Role> OPERATOR = EnumSet.of(Role.PLATFORM_ADMIN);

  private Permissions() {}
}

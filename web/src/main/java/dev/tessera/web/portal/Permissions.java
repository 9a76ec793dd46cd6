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

  /** Prompts as PromptsResource allows: read, author (move labels), approve a protected move. */
  static final Set<Role> PROMPTS_VIEW = EnumSet.of(TENANT_ADMIN, DEVELOPER, VIEWER);

  static final Set<Role> PROMPTS_AUTHOR = EnumSet.of(TENANT_ADMIN, DEVELOPER);
  static final Set<Role> PROMPTS_APPROVE = EnumSet.of(TENANT_ADMIN);

  /** The organization's own provider keys (ProviderKeysResource): admins and viewers see hints. */
  static final Set<Role> PROVIDER_KEYS_VIEW = EnumSet.of(TENANT_ADMIN, VIEWER);

  static final Set<Role> PROVIDER_KEYS_MANAGE = EnumSet.of(TENANT_ADMIN);

  /** Knowledge bases: managed with an admin key (RetrievalResource), so admins only. */
  static final Set<Role> KNOWLEDGE = EnumSet.of(TENANT_ADMIN);

  /** The audit and decision logs: read by admins and viewers (AuditResource, DecisionsResource). */
  static final Set<Role> LOGS = EnumSet.of(TENANT_ADMIN, VIEWER);

  /** Routing policies are set by the operator (PUT …/routing-policy is operator-only). */
  static final Set<Role> OPERATOR = EnumSet.of(Role.PLATFORM_ADMIN);

  private Permissions() {}
}

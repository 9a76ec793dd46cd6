package dev.tessera.governance.api.safety.tools;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import java.util.Set;

/**
 * Who asks a tool to run: the tenant, the principal ({@code key:<id>} or {@code operator}), roles.
 */
public record ToolCaller(TenantId tenant, String principal, Set<Role> roles) {
  public ToolCaller {
    roles = Set.copyOf(roles);
  }
}

package dev.tessera.retrieval.api;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Who may read a document: users, roles, groups and API keys of the tenant. A document without one
 * inherits its knowledge base's; a knowledge base without one is readable by every caller of the
 * tenant. Tenant admins read everything (they manage the ACLs anyway).
 */
public record Acl(List<UUID> users, List<String> roles, List<String> groups, List<UUID> apiKeys) {
  /** The principal every caller holds: an ACL-less knowledge base admits it. */
  public static final String EVERYONE = "*";

  public Acl {
    users = users == null ? List.of() : List.copyOf(users);
    roles = roles == null ? List.of() : List.copyOf(roles);
    groups = groups == null ? List.of() : List.copyOf(groups);
    apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
  }

  /** The principal terms this ACL admits, as the index stores them. */
  public Set<String> principals() {
    Set<String> out = new TreeSet<>();
    users.forEach(u -> out.add("user:" + u));
    roles.forEach(r -> out.add("role:" + r));
    groups.forEach(g -> out.add("group:" + g));
    apiKeys.forEach(k -> out.add("key:" + k));
    out.add("role:TENANT_ADMIN");
    return out;
  }
}

package dev.tessera.tenancy.api;

import java.util.Arrays;
import java.util.Set;

/** What an API key may do; each scope grants roles within the key's own tenant only. */
public enum ApiKeyScope {
  /** Call the model gateway (/v1). */
  INFERENCE("inference", Set.of(Role.DEVELOPER)),
  /** Administer the key's own tenant (keys, users, limits) through /api. */
  ADMIN("admin", Set.of(Role.TENANT_ADMIN, Role.DEVELOPER, Role.VIEWER)),
  /** Read the key's own tenant's settings and reports. */
  READ("read", Set.of(Role.VIEWER));

  private final String wireName;
  private final Set<Role> roles;

  ApiKeyScope(String wireName, Set<Role> roles) {
    this.wireName = wireName;
    this.roles = roles;
  }

  public String wireName() {
    return wireName;
  }

  public Set<Role> roles() {
    return roles;
  }

  public static ApiKeyScope fromWire(String name) {
    return Arrays.stream(values())
        .filter(s -> s.wireName.equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                InvalidInputException.field(
                    "scopes", "unknown scope '" + name + "' (known: inference, admin, read)"));
  }
}

package dev.tessera.retrieval.api;

import dev.tessera.routing.api.GatewayCall;
import dev.tessera.tenancy.api.Role;
import java.util.Set;

/**
 * Who is reading: the gateway call that embeds and generates on their behalf (tenant, key, request
 * id, deadline) and the roles of their credential. Retrieval adds their user and groups.
 */
public record Reader(GatewayCall call, Set<Role> roles) {
  public Reader {
    roles = Set.copyOf(roles);
  }
}

package dev.tessera.tenancy.api;

import java.util.Objects;
import java.util.UUID;

/** Identifies a tenant everywhere; modules refer to tenant data by this id, never by entity. */
public record TenantId(UUID value) {
  public TenantId {
    Objects.requireNonNull(value, "tenant id");
  }

  /** Parses an id from a path or payload; a malformed id is treated as an unknown tenant. */
  public static TenantId parse(String text) {
    try {
      return new TenantId(UUID.fromString(text));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new NotFoundException("tenant", text);
    }
  }

  @Override
  public String toString() {
    return value.toString();
  }
}

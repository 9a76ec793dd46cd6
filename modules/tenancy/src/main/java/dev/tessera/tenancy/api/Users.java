package dev.tessera.tenancy.api;

import java.util.Optional;

/** The identity store of a tenant's people. Portal login builds on {@link #verifyPassword}. */
public interface Users {
  UserView create(TenantId tenant, NewUser request);

  Page<UserView> list(TenantId tenant, PageRequest page);

  /** The user if the email and password match an enabled account of this tenant. */
  Optional<UserView> verifyPassword(TenantId tenant, String email, String password);
}

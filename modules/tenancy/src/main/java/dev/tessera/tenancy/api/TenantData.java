package dev.tessera.tenancy.api;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one transaction pinned to one tenant, in whichever database holds that tenant.
 * Row-level security sees only that tenant's rows; nothing is visible outside this call.
 */
public interface TenantData {
  /** Work that runs on the tenant's connection inside the transaction. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  <T> T inTenant(TenantId tenant, Work<T> work);
}

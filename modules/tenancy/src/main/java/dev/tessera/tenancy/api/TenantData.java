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

  /**
   * As {@link #inTenant}, one round trip shorter: the work's first statement enters the tenant
   * itself (a function that calls {@code tessera_meta.enter_tenant} before anything else and writes
   * nothing when it answers false), so the transaction is that statement and its commit. The work
   * answers null when the tenant was not resident in this database; the transaction is then rolled
   * back and the work runs again where the tenant lives now, as {@link #inTenant} does. For the
   * ledger's hot path, where a round trip is a third of a hold or a settle. It runs on the
   * database's ledger connections ({@code TESSERA_DB_LEDGER_POOL_SIZE}), kept warm for these writes
   * and never taken by other work.
   */
  <T> T inTenantEnteredByWork(TenantId tenant, Work<T> work);

  /**
   * Runs read-only work (reports, exports) pinned to one tenant on the analytics data source: the
   * read replica when {@code TESSERA_DB_REPLICA_URL} is set, else the primary, read-only either
   * way.
   */
  <T> T readOnly(TenantId tenant, Work<T> work);

  /**
   * Runs {@code work} once in every database that holds tenants (the shared one and each dedicated
   * one), in a transaction with no tenant pinned: row-level security shows no tenant's rows, so the
   * work can only call functions made for platform-wide scans (e.g. which tenants have work due).
   */
  <T> java.util.List<T> inEveryDatabase(Work<T> work);
}

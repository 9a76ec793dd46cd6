package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.TierMoveReport.TableCheck;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whole-tenant operations over every tenant-owned table, discovered from the catalog (so a new
 * table is covered without touching this code): copy, checksum, delete. Always runs on a connection
 * whose transaction is pinned to the tenant, so RLS limits it to that tenant, and that acts as the
 * owner role (see {@link DatabaseServer#ownerConnection}).
 */
final class TenantTables {
  private static final int BATCH = 500;

  private TenantTables() {}

  /** Tenant-owned tables (public tables with a tenant_id column), parents before children. */
  static List<String> inDependencyOrder(Connection c) throws SQLException {
    Set<String> tables = new LinkedHashSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT c.table_name FROM information_schema.columns c "
                    + "JOIN information_schema.tables t USING (table_schema, table_name) "
                    + "WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' "
                    + "AND t.table_type = 'BASE TABLE' ORDER BY c.table_name")) {
      while (rs.next()) {
        tables.add(rs.getString(1));
      }
    }
    Map<String, Set<String>> parents = new LinkedHashMap<>();
    tables.forEach(t -> parents.put(t, new LinkedHashSet<>()));
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT cl.relname, pcl.relname FROM pg_constraint con "
                    + "JOIN pg_class cl ON cl.oid = con.conrelid "
                    + "JOIN pg_class pcl ON pcl.oid = con.confrelid "
                    + "JOIN pg_namespace n ON n.oid = cl.relnamespace "
                    + "WHERE con.contype = 'f' AND n.nspname = 'public'")) {
      while (rs.next()) {
        String child = rs.getString(1);
        String parent = rs.getString(2);
        if (parents.containsKey(child) && !child.equals(parent)) {
          parents.get(child).add(parent);
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    while (ordered.size() < tables.size()) {
      boolean progressed = false;
      for (String t : tables) {
        if (!ordered.contains(t) && ordered.containsAll(parents.get(t))) {
          ordered.add(t);
          progressed = true;
        }
      }
      if (!progressed) {
        throw new IllegalStateException("TENANCY-0040 foreign-key cycle among tenant tables");
      }
    }
    return ordered;
  }

  /**
   * The pinned tenant's rows only. RLS alone is not enough here: these statements run as the
   * tables' owner, and some tables give the owner a policy that sees every tenant (the audit scan,
   * the decision purge), so a move or purge must never rely on RLS to narrow it.
   */
  private static final String PINNED_TENANT =
      " WHERE t.tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid";

  /** Copies every row of the pinned tenant from one connection to the other, batch by batch. */
  static void copy(Connection from, Connection to, String table) throws SQLException {
    String quoted = "public." + DatabaseServer.identifier(table);
    // the mover writes as the tables' owner, so append-only tables (ledger, audit log) take the
    // rows verbatim too; the application role itself can insert into none of those
    String insert =
        "INSERT INTO "
            + quoted
            + " SELECT * FROM json_populate_recordset(null::"
            + quoted
            + ", ?::json)";
    try (Statement read = from.createStatement();
        PreparedStatement write = to.prepareStatement(insert)) {
      read.setFetchSize(BATCH);
      try (ResultSet rs =
          read.executeQuery("SELECT row_to_json(t)::text FROM " + quoted + " t" + PINNED_TENANT)) {
        StringBuilder batch = new StringBuilder("[");
        int n = 0;
        while (rs.next()) {
          if (n > 0) {
            batch.append(',');
          }
          batch.append(rs.getString(1));
          if (++n == BATCH) {
            flush(write, batch);
            batch.setLength(1);
            n = 0;
          }
        }
        if (n > 0) {
          flush(write, batch);
        }
      }
    }
  }

  private static void flush(PreparedStatement write, StringBuilder batch) throws SQLException {
    write.setString(1, batch.append(']').toString());
    write.execute();
  }

  /** Row count and an order-independent checksum of the tenant's rows in one table. */
  static TableCheck check(Connection c, String table) throws SQLException {
    String quoted = "public." + DatabaseServer.identifier(table);
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM "
                    + quoted
                    + " t"
                    + PINNED_TENANT)) {
      rs.next();
      return new TableCheck(table, rs.getLong(1), rs.getString(2));
    }
  }

  /**
   * Deletes every row of the pinned tenant, children first, holding the tenant's lock exclusively
   * in this database. Runs on an owner connection ({@link DatabaseServer#ownerConnection}): the
   * append-only ledger refuses deletes unless this transaction says it is relocating the tenant,
   * which only a role with DELETE on the ledger (the owner, never the application) can act on.
   */
  static void deleteAll(Connection c, List<String> ordered) throws SQLException {
    try (Statement s = c.createStatement()) {
      // whole-tenant removal holds the tenant exclusively in this database too (re-entrant when
      // the caller already does)
      s.executeQuery(
              "SELECT pg_advisory_xact_lock(tessera_meta.tenant_lock_key("
                  + "current_setting('app.tenant_id')::uuid)),"
                  + " set_config('tessera.relocating', 'on', true)")
          .close();
      for (int i = ordered.size() - 1; i >= 0; i--) {
        s.executeUpdate(
            "DELETE FROM public."
                + DatabaseServer.identifier(ordered.get(i))
                + " t"
                + PINNED_TENANT);
      }
      s.executeQuery("SELECT set_config('tessera.relocating', 'off', true)").close();
    }
  }

  static void pin(Connection c, java.util.UUID tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
      ps.setString(1, tenant.toString());
      ps.executeQuery().close();
    }
  }

  /** Takes the tenant's move lock: every tenant transaction in this database waits behind it. */
  static void lockExclusively(Connection c, java.util.UUID tenant) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT pg_advisory_xact_lock(tessera_meta.tenant_lock_key(?))")) {
      ps.setObject(1, tenant);
      ps.executeQuery().close();
    }
  }
}

package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.Tier;
import dev.tessera.tenancy.api.TierMoveReport;
import dev.tessera.tenancy.api.TierMoveReport.TableCheck;
import dev.tessera.tenancy.api.TierMoveStatus;
import dev.tessera.tenancy.api.UnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves a tenant between the shared database and a database of its own while its traffic goes on.
 * Writes are held, not replayed: the mover takes the tenant's advisory lock in the source database,
 * which every tenant transaction takes in shared mode, so in-flight transactions finish first and
 * new ones wait. Under that lock it copies every tenant table, verifies row counts and checksums,
 * switches the catalog, and purges the source in the same transaction that releases the lock;
 * waiting transactions then see they are no longer resident and retry on the new placement.
 * Anything failing before the switch rolls back both sides: the tenant stays where it was,
 * untouched.
 */
@ApplicationScoped
class TierMover {
  private static final Logger LOG = Logger.getLogger(TierMover.class.getName());

  @Inject DataLayerStartup platform;
  @Inject TenantPlacements placements;

  TierMoveReport move(TenantId tenant, Tier target) {
    Placement p = placements.get(tenant);
    if (p.status() != TenantStatus.ACTIVE) {
      throw new ConflictException("Only an active tenant can change tier.");
    }
    if (p.tier() == target) {
      return new TierMoveReport(tenant, p.tier(), target, List.of(), Duration.ZERO);
    }
    DatabaseServer server = platform.server();
    String source = placements.databaseOf(p);
    String destination =
        target.hasOwnDatabase()
            ? (p.tier().hasOwnDatabase() ? source : dedicatedName(tenant))
            : server.sharedDatabase();
    UUID moveId = UUID.randomUUID();
    startMove(moveId, p, target, source, destination);
    try {
      TierMoveReport report =
          source.equals(destination)
              ? switchInPlace(p, target)
              : copyAndSwitch(moveId, p, target, source, destination);
      finishMove(moveId, "DONE", null, report.writesHeldFor().toMillis());
      placements.invalidate(tenant);
      LOG.info("TENANCY-0050 tenant " + tenant + " moved " + p.tier() + " -> " + target);
      return report;
    } catch (RuntimeException | SQLException e) {
      LOG.log(Level.WARNING, "TENANCY-0051 tier move of " + tenant + " failed; tenant stays", e);
      finishMove(moveId, "FAILED", firstLine(e.getMessage()), null);
      placements.invalidate(tenant);
      if (e instanceof TesseraException te) {
        throw te;
      }
      throw new UnavailableException(
          "The move to "
              + target
              + " failed and was rolled back; the tenant stays on "
              + p.tier()
              + ". Cause: "
              + firstLine(e.getMessage()),
          30);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown";
    }
    String line = s.strip().lines().findFirst().orElse("unknown");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }

  static String dedicatedName(TenantId tenant) {
    return "tessera_t_" + tenant.value().toString().replace("-", "");
  }

  private TierMoveReport switchInPlace(Placement p, Tier target) throws SQLException {
    try (Connection c = platform.pools().shared().getConnection()) {
      updateCatalog(c, p, target, p.databaseName());
    }
    return new TierMoveReport(p.tenant(), p.tier(), target, List.of(), Duration.ZERO);
  }

  private TierMoveReport copyAndSwitch(
      UUID moveId, Placement p, Tier target, String source, String destination)
      throws SQLException {
    DatabaseServer server = platform.server();
    boolean createdDestination = !destination.equals(server.sharedDatabase());
    UUID tenant = p.tenant().value();
    boolean switched = false;
    TierMoveReport report;
    try {
      if (createdDestination) {
        progress(moveId, "preparing");
        server.createDatabaseIfMissing(destination);
        platform.migrations().migrateTenantSchema(destination);
      }
      report = copyUnderLock(p, target, source, destination, moveId);
      switched = true;
    } finally {
      if (!switched && createdDestination) {
        platform.pools().closeDatabase(destination);
        server.dropDatabase(destination);
      }
    }
    // connections are back in their pools now; a dedicated source database is no longer needed
    if (p.tier().hasOwnDatabase()) {
      platform.pools().closeDatabase(source);
      server.dropDatabase(source);
    }
    return report;
  }

  /** The critical section: returns once the catalog points at the destination. */
  private TierMoveReport copyUnderLock(
      Placement p, Tier target, String source, String destination, UUID moveId)
      throws SQLException {
    UUID tenant = p.tenant().value();
    boolean switched = false;
    boolean createdDestination = !destination.equals(platform.server().sharedDatabase());
    TierMoveReport report;
    // Every connection the critical section needs is taken before the lock: writers waiting for
    // the lock hold pool connections, so one taken under it could wait for them while they wait
    // for us (seen as a 10 s pool timeout with the tests' 4-connection pool).
    // The tenant's rows are read and written as the owner role, on connections of their own
    // outside the pools: the ledger tables take writes only from the ledger's functions, and
    // whole-tenant copies and removals are not something the application role may do.
    try (Connection src = platform.server().ownerConnection(source);
        Connection dst = platform.server().ownerConnection(destination);
        Connection catalog = platform.pools().shared().getConnection()) {
      src.setAutoCommit(false);
      dst.setAutoCommit(false);
      try {
        TenantTables.pin(src, tenant);
        TenantTables.pin(dst, tenant);
        progress(catalog, moveId, new Progress("waiting", null, 0, null, 0));
        long heldFrom = System.nanoTime();
        TenantTables.lockExclusively(src, tenant);
        List<String> tables = TenantTables.inDependencyOrder(src);
        // a previous stay in the destination may have left rows behind: it is not resident there
        TenantTables.deleteAll(dst, tables);
        List<TableCheck> checks = new ArrayList<>();
        long rows = 0;
        for (String table : tables) {
          progress(
              catalog, moveId, new Progress("copying", tables.size(), checks.size(), table, rows));
          TenantTables.copy(src, dst, table);
          TableCheck before = TenantTables.check(src, table);
          TableCheck after = TenantTables.check(dst, table);
          if (!before.equals(after)) {
            throw new IllegalStateException(
                "TENANCY-0053 verification failed for " + table + ": " + before + " vs " + after);
          }
          checks.add(after);
          rows += after.rows();
        }
        progress(
            catalog, moveId, new Progress("switching", tables.size(), checks.size(), null, rows));
        dst.commit();
        setMoveState(catalog, moveId, "SWITCHED");
        updateCatalog(catalog, p, target, createdDestination ? destination : null);
        switched = true;
        progress(
            catalog, moveId, new Progress("purging", tables.size(), checks.size(), null, rows));
        TenantTables.deleteAll(src, tables);
        src.commit();
        report =
            new TierMoveReport(
                p.tenant(),
                p.tier(),
                target,
                checks,
                Duration.ofNanos(System.nanoTime() - heldFrom));
      } catch (SQLException | RuntimeException e) {
        safeRollback(src);
        safeRollback(dst);
        if (switched) {
          // the catalog already points at the destination, whose copy is verified: the move
          // stands; the source copy is purged now or, failing that, by recover() at start-up
          LOG.log(Level.WARNING, "TENANCY-0054 source purge failed after switch; retrying", e);
          purge(source, p.tenant());
          report = new TierMoveReport(p.tenant(), p.tier(), target, List.of(), Duration.ZERO);
        } else {
          throw e;
        }
      }
    }
    return report;
  }

  /** Deletes every row of the tenant in a database that is no longer its home. */
  void purge(String database, TenantId tenant) throws SQLException {
    try (Connection c = platform.server().ownerConnection(database)) {
      c.setAutoCommit(false);
      try {
        TenantTables.pin(c, tenant.value());
        TenantTables.lockExclusively(c, tenant.value());
        TenantTables.deleteAll(c, TenantTables.inDependencyOrder(c));
        c.commit();
      } catch (SQLException | RuntimeException e) {
        safeRollback(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /**
   * Finishes or undoes moves a crash interrupted: a move that had switched the catalog gets its
   * source purged; one that had not gets its partial destination removed.
   */
  void recover() {
    record Interrupted(UUID id, TenantId tenant, String state, String from, String to) {}
    List<Interrupted> open = new ArrayList<>();
    try (Connection c = platform.pools().shared().getConnection();
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT id, tenant_id, state, from_database, to_database FROM platform.tier_moves "
                    + "WHERE state IN ('COPYING', 'SWITCHED')")) {
      while (rs.next()) {
        open.add(
            new Interrupted(
                rs.getObject(1, UUID.class),
                new TenantId(rs.getObject(2, UUID.class)),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5)));
      }
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "TENANCY-0057 cannot read interrupted tier moves", e);
      return;
    }
    String shared = platform.server().sharedDatabase();
    for (Interrupted m : open) {
      try {
        if (m.state().equals("SWITCHED")) {
          purge(m.from(), m.tenant());
          if (!m.from().equals(shared)) {
            platform.pools().closeDatabase(m.from());
            platform.server().dropDatabase(m.from());
          }
          finishMove(m.id(), "DONE", "finished after restart", null);
        } else if (m.to().equals(m.from())) {
          finishMove(m.id(), "FAILED", "interrupted by restart before the catalog switch", null);
        } else {
          if (m.to().equals(shared)) {
            purge(m.to(), m.tenant());
          } else {
            platform.pools().closeDatabase(m.to());
            platform.server().dropDatabase(m.to());
          }
          finishMove(
              m.id(), "FAILED", "interrupted by restart; tenant stays on its old tier", null);
        }
        LOG.info("TENANCY-0058 recovered interrupted tier move " + m.id());
      } catch (SQLException | RuntimeException e) {
        LOG.log(Level.WARNING, "TENANCY-0059 cannot recover tier move " + m.id(), e);
      }
    }
  }

  private static void safeRollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; PostgreSQL rolls back on close
    }
  }

  private void updateCatalog(Connection c, Placement p, Tier target, String database)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE platform.tenants SET tier = ?, database_name = ?, "
                + "placement_version = placement_version + 1, updated_at = now() "
                + "WHERE id = ? AND placement_version = ?")) {
      ps.setString(1, target.name());
      ps.setString(2, database);
      ps.setObject(3, p.tenant().value());
      ps.setInt(4, p.version());
      if (ps.executeUpdate() != 1) {
        throw new ConflictException("The tenant's placement changed during the move; retry.");
      }
    }
  }

  private void startMove(UUID id, Placement p, Tier target, String from, String to) {
    try (Connection c = platform.pools().shared().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO platform.tier_moves (id, tenant_id, from_tier, to_tier, from_database, "
                    + "to_database, state) VALUES (?, ?, ?, ?, ?, ?, 'COPYING')")) {
      ps.setObject(1, id);
      ps.setObject(2, p.tenant().value());
      ps.setString(3, p.tier().name());
      ps.setString(4, target.name());
      ps.setString(5, from);
      ps.setString(6, to);
      ps.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new ConflictException("A tier move of this tenant is already running.");
      }
      throw new IllegalStateException("TENANCY-0055 cannot record tier move", e);
    }
  }

  private static void setMoveState(Connection c, UUID id, String state) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("UPDATE platform.tier_moves SET state = ? WHERE id = ?")) {
      ps.setString(1, state);
      ps.setObject(2, id);
      ps.executeUpdate();
    }
  }

  private void finishMove(UUID id, String state, String detail, Long writesHeldMillis) {
    try (Connection c = platform.pools().shared().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE platform.tier_moves SET state = ?, detail = ?, finished_at = now(), "
                    + "writes_held_ms = ?, current_table = NULL, "
                    + "phase = CASE WHEN ? = 'DONE' THEN NULL ELSE phase END WHERE id = ?")) {
      ps.setString(1, state);
      ps.setString(2, detail);
      ps.setObject(3, writesHeldMillis, java.sql.Types.BIGINT);
      ps.setString(4, state);
      ps.setObject(5, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.log(Level.WARNING, "TENANCY-0056 cannot record end of tier move " + id, e);
    }
  }

  /** How far a move has got, as {@link TierMoveStatus} shows it. */
  private record Progress(
      String phase, Integer tablesTotal, int tablesDone, String currentTable, long rowsCopied) {}

  /** Records the phase of a move on a connection of its own (outside the move's lock). */
  private void progress(UUID id, String phase) {
    try (Connection c = platform.pools().shared().getConnection()) {
      progress(c, id, new Progress(phase, null, 0, null, 0));
    } catch (SQLException e) {
      LOG.log(Level.FINE, "TENANCY-0052 cannot record the progress of tier move " + id, e);
    }
  }

  /**
   * Records how far a move has got. The tenant's writes may be waiting meanwhile, so the update
   * does not wait for its commit to reach the disk (a lost progress row after a crash only shows an
   * older step), and a failure to record it never fails the move.
   */
  private static void progress(Connection c, UUID id, Progress p) {
    try {
      boolean auto = c.getAutoCommit();
      c.setAutoCommit(false);
      try (Statement s = c.createStatement();
          PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE platform.tier_moves SET phase = ?, tables_total = ?, tables_done = ?, "
                      + "current_table = ?, rows_copied = ? WHERE id = ?")) {
        s.execute("SET LOCAL synchronous_commit = off");
        ps.setString(1, p.phase());
        ps.setObject(2, p.tablesTotal(), java.sql.Types.INTEGER);
        ps.setInt(3, p.tablesDone());
        ps.setString(4, p.currentTable());
        ps.setLong(5, p.rowsCopied());
        ps.setObject(6, id);
        ps.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        safeRollback(c);
        throw e;
      } finally {
        c.setAutoCommit(auto);
      }
    } catch (SQLException e) {
      LOG.log(Level.FINE, "TENANCY-0052 cannot record the progress of tier move " + id, e);
    }
  }

  /** The tenant's most recent move, running or finished. */
  Optional<TierMoveStatus> latest(TenantId tenant) {
    try (Connection c = platform.pools().shared().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, from_tier, to_tier, state, phase, tables_total, tables_done, "
                    + "current_table, rows_copied, writes_held_ms, started_at, finished_at, detail "
                    + "FROM platform.tier_moves WHERE tenant_id = ? "
                    + "ORDER BY started_at DESC, finished_at DESC NULLS FIRST LIMIT 1")) {
      ps.setObject(1, tenant.value());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new TierMoveStatus(
                rs.getObject(1, UUID.class),
                tenant,
                Tier.valueOf(rs.getString(2)),
                Tier.valueOf(rs.getString(3)),
                rs.getString(4),
                rs.getString(5),
                rs.getObject(6, Integer.class),
                rs.getInt(7),
                rs.getString(8),
                rs.getLong(9),
                rs.getObject(10, Long.class),
                rs.getObject(11, java.time.OffsetDateTime.class).toInstant(),
                Optional.ofNullable(rs.getObject(12, java.time.OffsetDateTime.class))
                    .map(java.time.OffsetDateTime::toInstant)
                    .orElse(null),
                rs.getString(13)));
      }
    } catch (SQLException e) {
      throw new UnavailableException("The tier move's status cannot be read now; retry.", 5);
    }
  }
}

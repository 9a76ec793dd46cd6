package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.UnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.Transaction;
import org.postgresql.util.PSQLException;

/**
 * Every tenant transaction goes through here: it picks the tenant's database, pins the tenant for
 * this transaction only ({@code set_config(..., true)}: nothing survives in the pooled connection),
 * waits out a running tier move, and retries once on the new placement if the tenant has moved away
 * from the database it was routed to.
 */
@ApplicationScoped
public class TenantTransactions implements TenantData {
  @Inject DataLayerStartup platform;
  @Inject TenantPlacements placements;

  @Override
  public <T> T inTenant(TenantId tenant, Work<T> work) {
    return inSession(tenant, session -> session.doReturningWork(work::run));
  }

  @Override
  public <T> T readOnly(TenantId tenant, Work<T> work) {
    Placement p = placements.get(tenant);
    if (p.status() == TenantStatus.PURGED) {
      throw new NotFoundException("tenant", tenant);
    }
    try (Connection c = platform.pools().forAnalytics(placements.databaseOf(p)).getConnection()) {
      return transaction(
          c,
          tx -> {
            // a replica cannot take the tenant's advisory lock: pinning the tenant is enough
            try (PreparedStatement ps =
                tx.prepareStatement(
                    "SELECT set_config('app.tenant_id', ?, true), "
                        + "set_config('transaction_read_only', 'on', true)")) {
              ps.setString(1, tenant.value().toString());
              ps.executeQuery().close();
            }
            return work.run(tx);
          });
    } catch (SQLException e) {
      throw new IllegalStateException("TENANCY-0065 analytics read failed", e);
    }
  }

  @Override
  public <T> java.util.List<T> inEveryDatabase(Work<T> work) {
    java.util.List<String> databases = new java.util.ArrayList<>();
    String shared = platform.server().sharedDatabase();
    databases.add(shared);
    try (Connection c = platform.pools().shared().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT DISTINCT database_name FROM platform.tenants"
                    + " WHERE database_name IS NOT NULL AND status <> 'PURGED'");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        databases.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("TENANCY-0066 cannot list the tenant databases", e);
    }
    java.util.List<T> results = new java.util.ArrayList<>();
    for (String database : databases) {
      try (Connection c = platform.pools().forDatabase(database).getConnection()) {
        results.add(transaction(c, work));
      } catch (SQLException | RuntimeException e) {
        // a database dropped by a move in the meantime: its tenants are elsewhere now
        if (!databaseWentAway(e)) {
          throw e instanceof RuntimeException r
              ? r
              : new IllegalStateException("TENANCY-0067 platform-wide scan failed", e);
        }
      }
    }
    return results;
  }

  /** Runs JPA work in one transaction of the tenant's database, RLS pinned to the tenant. */
  <T> T inSession(TenantId tenant, Function<Session, T> work) {
    return placed(tenant, p -> attempt(tenant, p, work));
  }

  @Override
  public <T> T inTenantEnteredByWork(TenantId tenant, Work<T> work) {
    return placed(tenant, p -> attemptEntered(p, work));
  }

  /**
   * One attempt per placement: a tenant found moved away (or whose database went away under the
   * attempt) is looked up again and the attempt repeated on its new placement, at most three times.
   */
  private <T> T placed(TenantId tenant, Function<Placement, T> once) {
    for (int attempt = 0; ; attempt++) {
      Placement p = placements.get(tenant);
      if (p.status() == TenantStatus.PURGED) {
        throw new NotFoundException("tenant", tenant);
      }
      try {
        return once.apply(p);
      } catch (TenantMoved moved) {
        placements.invalidate(tenant);
        if (attempt >= 2) {
          throw new UnavailableException("The tenant is being moved; retry shortly.", 1);
        }
      } catch (TesseraException e) {
        throw e; // the caller's own error (a conflict, a missing object): no retry
      } catch (RuntimeException e) {
        // a tier move dropped or closed the database this instance still routed to: re-read the
        // placement and retry there; the failed transaction committed nothing
        if (!databaseWentAway(e) && !movedAwayFrom(tenant, p)) {
          throw e;
        }
        placements.invalidate(tenant);
        if (attempt >= 2) {
          throw new UnavailableException("The tenant is being moved; retry shortly.", 1);
        }
      }
    }
  }

  /** Whether the tenant's catalog entry names another database than {@code used} now. */
  private boolean movedAwayFrom(TenantId tenant, Placement used) {
    placements.invalidate(tenant);
    try {
      return !placements.databaseOf(placements.get(tenant)).equals(placements.databaseOf(used));
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  /** The tenant is no longer resident in the database the placement pointed at. */
  private static final class TenantMoved extends RuntimeException {
    TenantMoved() {
      super(null, null, false, false);
    }
  }

  private <T> T attempt(TenantId tenant, Placement p, Function<Session, T> work) {
    try (Session s = platform.store().open(placements.databaseOf(p))) {
      Transaction tx = s.beginTransaction();
      try {
        if (!s.doReturningWork(c -> enter(c, tenant))) {
          tx.rollback();
          throw new TenantMoved();
        }
        T result = work.apply(s);
        tx.commit();
        return result;
      } catch (TenantMoved e) {
        throw e;
      } catch (RuntimeException e) {
        try {
          if (tx.isActive()) {
            tx.rollback();
          }
        } catch (RuntimeException rollbackFailed) {
          e.addSuppressed(rollbackFailed); // the connection is gone; PostgreSQL rolled back
        }
        throw translate(e);
      }
    }
  }

  /**
   * A pooled connection without Hibernate, in a transaction the work's first statement pins to the
   * tenant; null from the work means the tenant is not resident there (rolled back, retried).
   */
  private <T> T attemptEntered(Placement p, Work<T> work) {
    try (Connection c = platform.pools().forLedger(placements.databaseOf(p)).getConnection()) {
      return transaction(
          c,
          tx -> {
            T result = work.run(tx);
            if (result == null) {
              throw new TenantMoved(); // rolls the transaction back
            }
            return result;
          });
    } catch (SQLException e) {
      throw new IllegalStateException(
          "TENANCY-0068 tenant transaction failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw translate(e);
    }
  }

  /**
   * {@code work} in one transaction of {@code c}: committed when it returns, rolled back when it
   * throws; auto-commit is on again afterwards.
   */
  private static <T> T transaction(Connection c, Work<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException rollbackFailed) {
        e.addSuppressed(rollbackFailed); // the connection is gone; PostgreSQL rolled back
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /**
   * Connection failures that mean the database itself is gone or going: dropped after a move
   * (3D000), its connections terminated (57P01), or its pool closed under us (08xxx).
   */
  static boolean databaseWentAway(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.equals("3D000") || state.equals("57P01") || state.startsWith("08")) {
          return true;
        }
      }
      if (t.getClass().getName().endsWith("PoolInitializationException")) {
        return true;
      }
    }
    return false;
  }

  static boolean enter(Connection c, TenantId tenant) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT tessera_meta.enter_tenant(?)")) {
      ps.setObject(1, tenant.value());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** A unique-key clash is the caller's conflict, not a server fault. */
  static RuntimeException translate(RuntimeException e) {
    if (e instanceof TesseraException) {
      return e;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        String constraint =
            t instanceof PSQLException p && p.getServerErrorMessage() != null
                ? p.getServerErrorMessage().getConstraint()
                : null;
        return new ConflictException(
            switch (String.valueOf(constraint)) {
              case "users_email_unique" -> "A user with this email already exists.";
              case "tenants_slug_unique" -> "A tenant with this slug already exists.";
              default -> "That already exists.";
            });
      }
    }
    return e;
  }
}

package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.PlatformStatus;
import dev.tessera.tenancy.api.UnavailableException;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Brings the data layer up when the application starts: the database server (embedded unless
 * TESSERA_DB_URL is set), the two roles, migrations on the shared database and on every tenant
 * database, the connection pools and Hibernate. Stops what it started when the application stops,
 * the embedded PostgreSQL included.
 */
@ApplicationScoped
public class DataLayerStartup implements PlatformStatus {
  private static final Logger LOG = Logger.getLogger(DataLayerStartup.class.getName());

  @Inject PlatformSettings settings;
  @Inject LocalSecrets secrets;

  private volatile DatabaseServer server;
  private volatile ConnectionPools pools;
  private volatile EntityStore store;
  private volatile Migrations migrations;
  private volatile boolean migrated;
  private volatile String failure = "starting";
  private Thread shutdownHook;

  void onStart(@Observes @Priority(1) @Initialized(ApplicationScoped.class) Object ignored) {
    start();
  }

  synchronized void start() {
    if (server != null) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      server = DatabaseServer.start(settings);
      if (server.isEmbedded()) {
        shutdownHook = new Thread(this::stop, "tessera-db-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
      }
      String appPassword = secrets.appDatabasePassword();
      server.ensureRoles(appPassword);
      migrations = new Migrations(server);
      migrations.migrateShared();
      for (String db : dedicatedDatabases()) {
        migrations.migrateTenantSchema(db);
      }
      pools =
          new ConnectionPools(
              server,
              appPassword,
              settings.poolSize(),
              settings.tenantPoolSize(),
              settings.ledgerPoolSize());
      settings.replicaUrl().ifPresent(pools::useReplica);
      store = new EntityStore(pools);
      migrated = true;
      failure = null;
      LOG.info(
          "TENANCY-0020 data layer ready in "
              + (System.nanoTime() - t0) / 1_000_000
              + " ms ("
              + (server.isEmbedded() ? "embedded PostgreSQL" : "external PostgreSQL")
              + ")");
    } catch (Exception e) {
      // the cause (paths, hosts, driver messages) goes to the operator's log only; health checks
      // and 503 bodies, which anyone may read, say where to look
      failure = "data layer failed to start (the server log's TENANCY-0021 says why)";
      LOG.log(Level.SEVERE, "TENANCY-0021 data layer failed to start: " + e.getMessage(), e);
    }
  }

  private List<String> dedicatedDatabases() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = server.adminConnection(server.sharedDatabase());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT DISTINCT database_name FROM platform.tenants WHERE database_name IS NOT NULL")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @PreDestroy
  synchronized void stop() {
    if (store != null) {
      store.close();
      store = null;
    }
    if (pools != null) {
      pools.close();
      pools = null;
    }
    if (server != null) {
      server.close();
      server = null;
    }
    deregisterDrivers();
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // the hook runs anyway; close() is idempotent
      }
      shutdownHook = null;
    }
  }

  /** Drivers this application registered must not outlive it (class-loader leak on undeploy). */
  private static void deregisterDrivers() {
    ClassLoader ours = DataLayerStartup.class.getClassLoader();
    for (Driver d : java.util.Collections.list(DriverManager.getDrivers())) {
      if (d.getClass().getClassLoader() == ours) {
        try {
          DriverManager.deregisterDriver(d);
        } catch (SQLException e) {
          LOG.fine("TENANCY-0023 driver not deregistered: " + e.getMessage());
        }
      }
    }
  }

  DatabaseServer server() {
    requireUp();
    return server;
  }

  ConnectionPools pools() {
    requireUp();
    return pools;
  }

  EntityStore store() {
    requireUp();
    return store;
  }

  Migrations migrations() {
    requireUp();
    return migrations;
  }

  private void requireUp() {
    if (!migrated) {
      throw new UnavailableException("The data layer is not ready: " + failure, 5);
    }
  }

  @Override
  public boolean ready() {
    if (!migrated) {
      return false;
    }
    try (Connection c = pools.shared().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      return rs.next() && migrations.upToDate();
    } catch (Exception e) {
      LOG.warning("TENANCY-0022 readiness check failed: " + e.getMessage());
      return false;
    }
  }

  @Override
  public String detail() {
    return failure == null ? "database answers, migrations applied" : failure;
  }
}

package dev.tessera.tenancy.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.tessera.tenancy.api.DatabasePools;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One pool per database, all logged in as the application role: the shared database's pool and a
 * small one for each tenant that has a database of its own; and per database a pool of the ledger's
 * own, for its writes on the request path.
 */
final class ConnectionPools implements AutoCloseable {
  private final DatabaseServer server;
  private final String appPassword;
  private final int sharedSize;
  private final int tenantSize;
  private final int ledgerSize;
  private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
  private final Map<String, HikariDataSource> ledgers = new ConcurrentHashMap<>();
  private final Map<String, HikariDataSource> replicas = new ConcurrentHashMap<>();
  private volatile String replicaUrl;

  ConnectionPools(
      DatabaseServer server, String appPassword, int sharedSize, int tenantSize, int ledgerSize) {
    this.server = server;
    this.appPassword = appPassword;
    this.sharedSize = sharedSize;
    this.tenantSize = tenantSize;
    this.ledgerSize = ledgerSize;
  }

  DataSource shared() {
    return forDatabase(server.sharedDatabase());
  }

  DataSource forDatabase(String database) {
    return pools.computeIfAbsent(database, this::open);
  }

  /**
   * The ledger's connections to {@code database}, for its writes on the request path (one statement
   * and its commit each). A tenant's own database has one tenant, so one lane of batches: its
   * ledger pool is no larger than its request pool, or many dedicated databases together could ask
   * the server for more connections than it allows. A batch runs on a connection that ran the last
   * one, with the ledger functions' plans and the ledger's pages at hand, instead of on whichever
   * of the request pool's connections the calling thread held last: in the ledger bench, a batch of
   * 115 charges took 4.2-5.1 ms on one warm connection against 5.6-6.8 ms spread over 128. And the
   * ledger never waits behind requests' transactions for a connection.
   */
  DataSource forLedger(String database) {
    return ledgers.computeIfAbsent(
        database,
        d -> {
          int size =
              d.equals(server.sharedDatabase()) ? ledgerSize : Math.min(ledgerSize, tenantSize);
          return open(d, server.jdbcUrl(d), "tessera-ledger-", false, size, 0);
        });
  }

  /**
   * Analytics reads go to this replica ({@code jdbc:postgresql://host:port/db}); a tenant with a
   * database of its own is read from the database of the same name on that server.
   */
  void useReplica(String url) {
    this.replicaUrl = url;
  }

  /** The pool analytics read {@code database} through: the replica's when one is set. */
  DataSource forAnalytics(String database) {
    String replica = replicaUrl;
    if (replica == null) {
      return forDatabase(database);
    }
    return replicas.computeIfAbsent(
        database,
        d -> {
          String url =
              d.equals(server.sharedDatabase())
                  ? replica
                  : replica.substring(0, replica.lastIndexOf('/') + 1) + d;
          return open(d, url, "tessera-replica-", true);
        });
  }

  private HikariDataSource open(String database) {
    return open(database, server.jdbcUrl(database), "tessera-", false);
  }

  private HikariDataSource open(String database, String url, String poolPrefix, boolean readOnly) {
    boolean shared = database.equals(server.sharedDatabase());
    return open(
        database,
        url,
        poolPrefix,
        readOnly,
        shared ? sharedSize : tenantSize,
        shared ? Math.min(2, sharedSize) : 0);
  }

  private HikariDataSource open(
      String database, String url, String poolPrefix, boolean readOnly, int size, int minIdle) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(poolPrefix + database);
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(url);
    pg.setUser(DatabaseServer.APP_ROLE);
    pg.setPassword(appPassword);
    // a JDBC batch of INSERTs goes as multi-row INSERTs: the decision log writes one row per model
    // call, and one statement per row cost the database a parse-bind-execute each
    pg.setReWriteBatchedInserts(true);
    // a data source, not a URL: DriverManager does not see drivers inside the WAR
    config.setDataSource(pg);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(minIdle);
    config.setIdleTimeout(60_000);
    config.setConnectionTimeout(10_000);
    config.setAutoCommit(true);
    config.setReadOnly(readOnly);
    return new HikariDataSource(config);
  }

  /** The pools' usage by kind (shared, dedicated, replica), for /metrics. */
  List<DatabasePools.PoolUsage> usage() {
    String sharedDb = server.sharedDatabase();
    Tally shared = new Tally("shared");
    Tally dedicated = new Tally("dedicated");
    Tally replica = new Tally("replica");
    Tally ledger = new Tally("ledger");
    pools.forEach((db, ds) -> (db.equals(sharedDb) ? shared : dedicated).add(ds));
    replicas.values().forEach(replica::add);
    ledgers.values().forEach(ledger::add);
    List<DatabasePools.PoolUsage> out = new ArrayList<>(4);
    for (Tally t : List.of(shared, dedicated, replica, ledger)) {
      if (t.pools > 0) {
        out.add(t.usage());
      }
    }
    return out;
  }

  /** Sums of one kind of pool, and the fullest among them. */
  private static final class Tally {
    final String kind;
    int pools;
    int active;
    int idle;
    int max;
    int waiting;
    double fullest;

    Tally(String kind) {
      this.kind = kind;
    }

    void add(HikariDataSource ds) {
      HikariPoolMXBean pool = ds.getHikariPoolMXBean(); // null until the pool has started
      int size = ds.getMaximumPoolSize();
      pools++;
      max += size;
      if (pool != null) {
        int inUse = pool.getActiveConnections();
        active += inUse;
        idle += pool.getIdleConnections();
        waiting += pool.getThreadsAwaitingConnection();
        fullest = Math.max(fullest, size == 0 ? 0 : (double) inUse / size);
      }
    }

    DatabasePools.PoolUsage usage() {
      return new DatabasePools.PoolUsage(kind, active, idle, max, waiting, fullest);
    }
  }

  /** Closes a dedicated database's pool, e.g. before that database is dropped. */
  void closeDatabase(String database) {
    for (Map<String, HikariDataSource> m : List.of(pools, replicas, ledgers)) {
      HikariDataSource ds = m.remove(database);
      if (ds != null) {
        ds.close();
      }
    }
  }

  @Override
  public void close() {
    pools.values().forEach(HikariDataSource::close);
    pools.clear();
    replicas.values().forEach(HikariDataSource::close);
    replicas.clear();
    ledgers.values().forEach(HikariDataSource::close);
    ledgers.clear();
  }
}

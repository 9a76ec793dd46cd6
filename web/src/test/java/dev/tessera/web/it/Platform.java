package dev.tessera.web.it;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The running platform every integration test shares: a real PostgreSQL (embedded, in this JVM) and
 * node A, a real Payara Micro running the WAR against it, clustered on loopback so node B can join
 * when a test needs two instances. Started once, stopped at JVM exit. Node A runs no batch workers
 * (TESSERA_BATCHES_WORKERS=0); tests whose batches must run start a worker node of their own.
 */
final class Platform {
  static final String DATABASE = "tessera_it";
  private static Platform instance;
  private static IllegalStateException failure;

  final EmbeddedPostgres pg;
  final Node a;
  private Node b;
  private Map<String, String> bEnv;

  private Platform() throws Exception {
    Files.createDirectories(Settings.WORK);
    // a run killed before its shutdown hook leaves the data directory behind; initdb refuses it
    SsoIT.deleteTree(Settings.WORK.resolve("pg"));
    pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(Settings.WORK.resolve("pg"))
            .setCleanDataDirectory(true)
            .setServerConfig("max_connections", "300")
            .start();
    try (Connection c = superuser("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    }
    a = new Node("node-a", Settings.WORK);
    b = null;
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "it-platform-stop"));
    Map<String, String> envA = env();
    // node A accepts batches but runs none, so BatchesIT knows which node holds a job it kills
    envA.put("TESSERA_BATCHES_WORKERS", "0");
    a.start(envA, List.of(a.clusterPort));
    a.awaitReady(Duration.ofMinutes(8));
  }

  static synchronized Platform get() {
    if (failure != null) {
      throw failure; // fail every later test class at once instead of starting again
    }
    if (instance == null) {
      try {
        instance = new Platform();
      } catch (Exception e) {
        failure = new IllegalStateException("cannot start the platform under test", e);
        throw failure;
      }
    }
    return instance;
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("TESSERA_DB_URL", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DATABASE);
    env.put("TESSERA_DB_USER", "postgres");
    env.put("TESSERA_DB_PASSWORD", "postgres");
    env.put("TESSERA_DB_APP_PASSWORD", Settings.APP_PASSWORD);
    env.put("TESSERA_ADMIN_TOKEN", Settings.ADMIN_TOKEN);
    env.put("TESSERA_DB_POOL_SIZE", "4");
    env.put("TESSERA_TENANTS_PURGE_GRACE", "PT2S");
    env.put("TESSERA_TENANTS_PURGE_INTERVAL", "PT2S");
    env.put("TESSERA_BILLING_REAPER_INTERVAL", "PT1S");
    env.put("TESSERA_MASTER_KEYS", Settings.MASTER_KEYS);
    env.put("TESSERA_CLUSTER_SECRET", Settings.CLUSTER_SECRET);
    // webhooks go to WireMock on loopback; every other private address stays refused
    env.put("TESSERA_WEBHOOKS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128");
    // batch leases short enough that a killed node's jobs are taken over within seconds
    env.put("TESSERA_BATCHES_LEASE", "PT5S");
    env.put("TESSERA_BATCHES_POLL_INTERVAL", "PT0.5S");
    env.put("TESSERA_BATCHES_RETRY_BACKOFF", "PT1S");
    // documents over 2 MB are refused, so RetrievalIT can show the 413 without a huge upload
    env.put("TESSERA_RETRIEVAL_MAX_DOCUMENT_BYTES", "2000000");
    return env;
  }

  /** Starts node B in A's cluster (once) and waits until both see a grid of two. */
  synchronized Node nodeB() throws Exception {
    return nodeB(Map.of());
  }

  /** Node B with settings of its own on top of the platform's (only when it is not running). */
  synchronized Node nodeB(Map<String, String> extraEnv) throws Exception {
    if (b == null) {
      b = new Node("node-b", Settings.WORK);
      Map<String, String> env = env();
      env.putAll(extraEnv);
      bEnv = env;
      b.start(env, List.of(a.clusterPort, b.clusterPort));
      b.awaitReady(Duration.ofMinutes(8));
    }
    return b;
  }

  /** Starts node B again (after a kill) with the settings it had, and waits until it is ready. */
  synchronized Node restartNodeB() throws Exception {
    b.start(bEnv, List.of(a.clusterPort, b.clusterPort));
    b.awaitReady(Duration.ofMinutes(8));
    return b;
  }

  synchronized void stopNodeB() {
    if (b != null) {
      b.close();
      b = null;
    }
  }

  Connection superuser(String database) throws SQLException {
    return DriverManager.getConnection(pg.getJdbcUrl("postgres", database), "postgres", "postgres");
  }

  /** A connection as the application role, exactly as the platform connects. */
  Connection app(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + database,
        "tessera_app",
        Settings.APP_PASSWORD);
  }

  Api operator() {
    return new Api(a.baseUrl(), Settings.ADMIN_TOKEN);
  }

  private void stop() {
    stopNodeB();
    a.close();
    try {
      pg.close();
    } catch (IOException ignored) {
      // the JVM is exiting
    }
  }
}

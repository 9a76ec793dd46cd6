package dev.tessera.tenancy.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server Tessera talks to: an embedded one (real binaries, data under the data dir,
 * started and stopped with the platform) or the operator's. Knows how to reach any database on it
 * as the administrator (for migrations and tenant databases) or as the application role.
 */
final class DatabaseServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DatabaseServer.class.getName());
  private static final Pattern URL = Pattern.compile("jdbc:postgresql://([^/?]+)/([^?]*)(\\?.*)?");

  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();
  static final String OWNER_ROLE = "tessera_owner";
  static final String APP_ROLE = "tessera_app";

  /**
   * Owns the functions that write the credit ledger (SECURITY DEFINER); cannot log in, and neither
   * the application role nor anyone else but the owner role is a member, so the ledger's tables
   * take writes only through those functions (db/migrations/tenant/V11).
   */
  static final String LEDGER_OWNER_ROLE = "tessera_ledger_owner";

  static final String EMBEDDED_DATABASE = "tessera";

  /** The embedded server's superuser password, in the data dir (mode 600). */
  static final String SUPERUSER_PASSWORD_FILE = "db-superuser-password";

  private static final Pattern TRUST = Pattern.compile("\\btrust\\s*$");

  private final EmbeddedPostgres embedded;
  private final String hostPort;
  private final String sharedDatabase;
  private final String query;
  private final String adminUser;
  private final String adminPassword;

  private DatabaseServer(
      EmbeddedPostgres embedded,
      String hostPort,
      String sharedDatabase,
      String query,
      String adminUser,
      String adminPassword) {
    this.embedded = embedded;
    this.hostPort = hostPort;
    this.sharedDatabase = sharedDatabase;
    this.query = query;
    this.adminUser = adminUser;
    this.adminPassword = adminPassword;
  }

  static DatabaseServer start(PlatformSettings settings) throws IOException, SQLException {
    if (settings.externalUrl().isPresent()) {
      Matcher m = URL.matcher(settings.externalUrl().get());
      if (!m.matches()) {
        throw new IllegalStateException(
            "TENANCY-0002 TESSERA_DB_URL must look like jdbc:postgresql://host:port/database");
      }
      return new DatabaseServer(
          null,
          m.group(1),
          m.group(2),
          m.group(3) == null ? "" : m.group(3),
          settings.dbUser(),
          settings.dbPassword());
    }
    Path pgDir = settings.dataDir().resolve("pg");
    Files.createDirectories(pgDir);
    int port = settings.embeddedPort() > 0 ? settings.embeddedPort() : freePort();
    // The superuser has a generated password (data dir, mode 600) and every connection, local
    // socket or TCP, must present it (scram-sha-256): no local process or user gets in for free.
    Path passwordFile = settings.dataDir().resolve(SUPERUSER_PASSWORD_FILE);
    String superuserPassword = LocalSecrets.readOrCreate(passwordFile, 24).value();
    boolean fresh = !Files.exists(pgDir.resolve("PG_VERSION"));
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    // zonky's own readiness probe logs in too
    builder.setConnectConfig("password", superuserPassword);
    if (fresh) {
      // zonky runs initdb with -A trust; these come after it on the command line and win
      builder.setLocaleConfig("auth", "scram-sha-256");
      builder.setLocaleConfig("pwfile", passwordFile.toString());
    }
    EmbeddedPostgres pg =
        builder
            .setDataDirectory(pgDir)
            .setCleanDataDirectory(false)
            .setPort(port)
            .setServerConfig("max_connections", "300")
            .setServerConfig("listen_addresses", "127.0.0.1")
            // zonky starts PostgreSQL with -F (fsync off) and synchronous_commit off, fine for
            // throwaway test databases; this one keeps a ledger, and an acknowledged commit must
            // survive a crash (these -c settings come after -F on the command line, so they win)
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start();
    LOG.info(
        "TENANCY-0001 embedded PostgreSQL started on 127.0.0.1:" + port + ", data in " + pgDir);
    if (!fresh) {
      requirePasswords(pgDir, port, superuserPassword);
    }
    DatabaseServer server =
        new DatabaseServer(
            pg, "127.0.0.1:" + port, EMBEDDED_DATABASE, "", "postgres", superuserPassword);
    server.createDatabaseIfMissing(EMBEDDED_DATABASE);
    return server;
  }

  /**
   * A data directory initialised before passwords were required (trust for every local connection):
   * gives the superuser its password, switches every rule to scram-sha-256 and reloads. Runs while
   * only this process knows the server's port has just opened.
   */
  private static void requirePasswords(Path pgDir, int port, String password)
      throws IOException, SQLException {
    Path hba = pgDir.resolve("pg_hba.conf");
    List<String> lines = Files.readAllLines(hba);
    boolean trusting =
        lines.stream().anyMatch(l -> !l.strip().startsWith("#") && TRUST.matcher(l).find());
    if (!trusting) {
      return;
    }
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", password);
    try (Connection c = DRIVER.connect("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
        Statement s = c.createStatement()) {
      s.execute("ALTER ROLE postgres PASSWORD " + literal(password));
      List<String> strict =
          lines.stream()
              .map(
                  l -> l.strip().startsWith("#") ? l : TRUST.matcher(l).replaceAll("scram-sha-256"))
              .toList();
      Files.write(hba, strict);
      s.execute("SELECT pg_reload_conf()");
    }
    LOG.info("TENANCY-0100 embedded PostgreSQL now requires passwords (was trust)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  boolean isEmbedded() {
    return embedded != null;
  }

  String adminUser() {
    return adminUser;
  }

  String adminPassword() {
    return adminPassword;
  }

  String sharedDatabase() {
    return sharedDatabase;
  }

  String jdbcUrl(String database) {
    return "jdbc:postgresql://" + hostPort + "/" + database + query;
  }

  Connection adminConnection(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", adminUser);
    p.setProperty("password", adminPassword);
    // the driver directly: DriverManager does not see drivers inside a WAR's class loader
    Connection c = DRIVER.connect(jdbcUrl(database), p);
    if (c == null) {
      throw new SQLException("TENANCY-0007 not a PostgreSQL URL: " + jdbcUrl(database));
    }
    return c;
  }

  /**
   * A connection to {@code database} as the administrator acting as the owner role: for
   * whole-tenant copies and removals, which the application role may not do. Row-level security
   * still applies (it is forced on the owner too), so the transaction must pin a tenant.
   */
  Connection ownerConnection(String database) throws SQLException {
    Connection c = adminConnection(database);
    try (Statement s = c.createStatement()) {
      s.execute("SET ROLE " + OWNER_ROLE);
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  /**
   * Creates the owner role (owns every object, cannot log in) and the application role (logs in,
   * owns nothing, not superuser, no BYPASSRLS), and lets the administrator act as the owner.
   */
  void ensureRoles(String appPassword) throws SQLException {
    try (Connection c = adminConnection(sharedDatabase);
        Statement s = c.createStatement()) {
      s.execute(
          "DO $$ BEGIN "
              + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
              + OWNER_ROLE
              + "') THEN "
              + "CREATE ROLE "
              + OWNER_ROLE
              + " NOLOGIN; END IF; "
              + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
              + APP_ROLE
              + "') THEN "
              + "CREATE ROLE "
              + APP_ROLE
              + " LOGIN; END IF; "
              + "IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
              + LEDGER_OWNER_ROLE
              + "') THEN "
              + "CREATE ROLE "
              + LEDGER_OWNER_ROLE
              + " NOLOGIN; END IF; END $$");
      s.execute(
          "ALTER ROLE "
              + LEDGER_OWNER_ROLE
              + " WITH NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION");
      // migrations (as the owner) hand the ledger's functions to it
      s.execute("GRANT " + LEDGER_OWNER_ROLE + " TO " + OWNER_ROLE);
      s.execute(
          "ALTER ROLE "
              + APP_ROLE
              + " WITH LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD "
              + literal(appPassword));
      s.execute("GRANT " + OWNER_ROLE + " TO CURRENT_USER");
      prepareDatabase(s, sharedDatabase);
    }
  }

  /** Lets the owner create schemas in a database and objects in its public schema. */
  private static void prepareDatabase(Statement s, String database) throws SQLException {
    s.execute("GRANT CREATE, CONNECT ON DATABASE " + identifier(database) + " TO " + OWNER_ROLE);
    s.execute("GRANT CREATE, USAGE ON SCHEMA public TO " + OWNER_ROLE);
    // no temporary objects for anyone but the administrator: a temporary table or function is how
    // a caller would try to shadow an object a SECURITY DEFINER function uses
    s.execute("REVOKE TEMPORARY ON DATABASE " + identifier(database) + " FROM PUBLIC");
    s.execute("REVOKE TEMPORARY ON DATABASE " + identifier(database) + " FROM " + APP_ROLE);
  }

  void createDatabaseIfMissing(String database) throws SQLException {
    try (Connection c = adminConnection("postgres");
        Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = " + literal(database));
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + identifier(database));
        LOG.info("TENANCY-0003 created database " + database);
      }
    }
    if (!database.equals(EMBEDDED_DATABASE) || !isEmbedded()) {
      try (Connection c = adminConnection(database);
          Statement s = c.createStatement()) {
        prepareDatabase(s, database);
      }
    }
  }

  void dropDatabase(String database) throws SQLException {
    try (Connection c = adminConnection("postgres");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + identifier(database) + " WITH (FORCE)");
    }
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static String identifier(String name) {
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("TENANCY-0004 unsafe database name: " + name);
    }
    return "\"" + name + "\"";
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
        LOG.info("TENANCY-0005 embedded PostgreSQL stopped");
      } catch (IOException e) {
        LOG.warning("TENANCY-0006 embedded PostgreSQL did not stop cleanly: " + e);
      }
    }
  }
}

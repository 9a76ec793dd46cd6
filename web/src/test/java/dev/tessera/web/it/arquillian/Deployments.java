package dev.tessera.web.it.arquillian;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.UUID;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * What every Arquillian test class deploys (the real WAR, as built) and how it reaches the
 * database: the WAR's own embedded PostgreSQL on the port the build reserved.
 */
final class Deployments {
  static final String OPERATOR_TOKEN = "arquillian-operator-token";

  private Deployments() {}

  static WebArchive tessera() {
    return ShrinkWrap.createFromZipFile(
        WebArchive.class, new File(System.getProperty("tessera.it.war")));
  }

  /**
   * The embedded server's superuser: can do anything, including editing the audit log. Its password
   * is the one the platform generated into its data directory (no connection gets in without it).
   */
  static Connection superuser() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    try {
      p.setProperty(
          "password",
          Files.readString(Path.of(System.getenv("TESSERA_DATA_DIR"), "db-superuser-password"))
              .strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + System.getProperty("arquillian.pg.port") + "/tessera", p);
  }

  /** A fresh tenant (STANDARD: the shared database) and its id. */
  static String newTenant(Http operator) {
    String slug = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Http.Reply r =
        operator.post(
            "/api/v1/tenants",
            "{\"slug\":\"" + slug + "\",\"name\":\"" + slug + "\",\"tier\":\"STANDARD\"}");
    if (r.status() != 201) {
      throw new IllegalStateException("cannot create a tenant: " + r);
    }
    return r.json().getString("id");
  }

  /** A new key of the tenant with these scopes; answers the key itself. */
  static String newKey(Http operator, String tenant, String... scopes) {
    String list = String.join("\",\"", scopes);
    Http.Reply r =
        operator.post(
            "/api/v1/tenants/" + tenant + "/api-keys",
            "{\"name\":\"k"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"scopes\":[\""
                + list
                + "\"]}");
    if (r.status() != 201) {
      throw new IllegalStateException("cannot create a key: " + r);
    }
    return r.json().getString("key");
  }
}

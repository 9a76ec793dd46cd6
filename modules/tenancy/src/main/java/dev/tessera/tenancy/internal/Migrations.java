package dev.tessera.tenancy.internal;

import java.util.logging.Logger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies db/migrations with Flyway, as the owner role. The shared database gets the platform
 * catalog and the tenant schema; every dedicated tenant database gets the same tenant schema.
 */
final class Migrations {
  private static final Logger LOG = Logger.getLogger(Migrations.class.getName());

  private final DatabaseServer server;

  Migrations(DatabaseServer server) {
    this.server = server;
  }

  void migrateShared() {
    migrate(server.sharedDatabase(), "platform", "platform", "platform_history");
    migrateTenantSchema(server.sharedDatabase());
  }

  void migrateTenantSchema(String database) {
    migrate(database, "tenant", "tessera_meta", "tenant_history");
  }

  /** True when nothing is pending in the shared database (readiness). */
  boolean upToDate() {
    return flyway(server.sharedDatabase(), "platform", "platform", "platform_history")
                .info()
                .pending()
                .length
            == 0
        && flyway(server.sharedDatabase(), "tenant", "tessera_meta", "tenant_history")
                .info()
                .pending()
                .length
            == 0;
  }

  private void migrate(String database, String location, String schema, String table) {
    MigrateResult result = flyway(database, location, schema, table).migrate();
    LOG.info(
        "TENANCY-0010 migrations '"
            + location
            + "' on "
            + database
            + ": "
            + result.migrationsExecuted
            + " applied, now at "
            + result.targetSchemaVersion);
  }

  private Flyway flyway(String database, String location, String schema, String table) {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(server.jdbcUrl(database), server.adminUser(), server.adminPassword())
        .initSql("SET ROLE " + DatabaseServer.OWNER_ROLE)
        .locations("classpath:db/migrations/" + location)
        .schemas(schema)
        .table(table)
        .createSchemas(true)
        .failOnMissingLocations(true)
        .load();
  }
}

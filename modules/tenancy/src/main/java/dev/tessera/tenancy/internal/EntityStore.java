package dev.tessera.tenancy.internal;

import jakarta.persistence.SharedCacheMode;
import jakarta.persistence.ValidationMode;
import jakarta.persistence.spi.ClassTransformer;
import jakarta.persistence.spi.PersistenceUnitInfo;
import jakarta.persistence.spi.PersistenceUnitTransactionType;
import java.net.URL;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.engine.jdbc.connections.spi.MultiTenantConnectionProvider;
import org.hibernate.jpa.HibernatePersistenceProvider;

/**
 * Hibernate, bootstrapped by the application rather than the container, because connections come
 * from per-database pools chosen at run time: one session factory, one mapping, and the database
 * picked per session through Hibernate's multi-tenant connection provider (keyed by database name,
 * not by tenant: several tenants share the shared database).
 */
final class EntityStore implements AutoCloseable {
  private static final List<Class<?>> ENTITIES =
      List.of(TenantRecord.class, UserRecord.class, ApiKeyRecord.class);

  private final SessionFactory sessionFactory;

  EntityStore(ConnectionPools pools) {
    Map<String, Object> props = new HashMap<>();
    props.put("hibernate.dialect", "org.hibernate.dialect.PostgreSQLDialect");
    props.put("hibernate.boot.allow_jdbc_metadata_access", "false");
    props.put("hibernate.multi_tenant_connection_provider", new DatabaseConnections(pools));
    props.put("hibernate.enhancer.enableDirtyTracking", "false");
    props.put("hibernate.enhancer.enableLazyInitialization", "false");
    props.put("hibernate.enhancer.enableAssociationManagement", "false");
    props.put("hibernate.hbm2ddl.auto", "none");
    props.put("hibernate.jdbc.time_zone", "UTC");
    props.put("hibernate.query.fail_on_pagination_over_collection_fetch", "true");
    props.put("jakarta.persistence.validation.mode", "none");
    this.sessionFactory =
        new HibernatePersistenceProvider()
            .createContainerEntityManagerFactory(new Unit(), props)
            .unwrap(SessionFactory.class);
  }

  /** A session on the given database; the caller owns its transaction. */
  Session open(String database) {
    return sessionFactory.withOptions().tenantIdentifier(database).openSession();
  }

  @Override
  public void close() {
    sessionFactory.close();
  }

  /** Hands Hibernate a connection from the pool of the session's database. */
  private static final class DatabaseConnections implements MultiTenantConnectionProvider<String> {
    private final transient ConnectionPools pools;

    DatabaseConnections(ConnectionPools pools) {
      this.pools = pools;
    }

    @Override
    public Connection getAnyConnection() throws SQLException {
      return pools.shared().getConnection();
    }

    @Override
    public void releaseAnyConnection(Connection connection) throws SQLException {
      connection.close();
    }

    @Override
    public Connection getConnection(String database) throws SQLException {
      DataSource ds = pools.forDatabase(database);
      return ds.getConnection();
    }

    @Override
    public void releaseConnection(String database, Connection connection) throws SQLException {
      connection.close();
    }

    @Override
    public boolean supportsAggressiveRelease() {
      return false;
    }

    @Override
    public boolean isUnwrappableAs(Class<?> type) {
      return false;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
      throw new UnsupportedOperationException();
    }
  }

  /** The persistence unit, described in code so the container never manages it. */
  private static final class Unit implements PersistenceUnitInfo {
    @Override
    public String getPersistenceUnitName() {
      return "tessera-tenancy";
    }

    @Override
    public String getPersistenceProviderClassName() {
      return HibernatePersistenceProvider.class.getName();
    }

    @Override
    public PersistenceUnitTransactionType getTransactionType() {
      return PersistenceUnitTransactionType.RESOURCE_LOCAL;
    }

    @Override
    public DataSource getJtaDataSource() {
      return null;
    }

    @Override
    public DataSource getNonJtaDataSource() {
      return null;
    }

    @Override
    public List<String> getMappingFileNames() {
      return List.of();
    }

    @Override
    public List<URL> getJarFileUrls() {
      return List.of();
    }

    @Override
    public URL getPersistenceUnitRootUrl() {
      return null;
    }

    @Override
    public List<String> getManagedClassNames() {
      return ENTITIES.stream().map(Class::getName).toList();
    }

    @Override
    public boolean excludeUnlistedClasses() {
      return true;
    }

    @Override
    public SharedCacheMode getSharedCacheMode() {
      return SharedCacheMode.NONE;
    }

    @Override
    public ValidationMode getValidationMode() {
      return ValidationMode.NONE;
    }

    @Override
    public Properties getProperties() {
      return new Properties();
    }

    @Override
    public String getPersistenceXMLSchemaVersion() {
      return "3.1";
    }

    @Override
    public ClassLoader getClassLoader() {
      return EntityStore.class.getClassLoader();
    }

    @Override
    public void addTransformer(ClassTransformer transformer) {
      // no bytecode enhancement: the container's transformer hooks break Hibernate here
    }

    @Override
    public ClassLoader getNewTempClassLoader() {
      return null;
    }
  }
}

package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.PlatformData;
import dev.tessera.tenancy.api.TenantData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;

/** Platform-table transactions on the shared database, as the application role. */
@ApplicationScoped
public class PlatformTransactions implements PlatformData {
  @Inject DataLayerStartup platform;

  @Override
  public <T> T inPlatform(TenantData.Work<T> work) {
    try (Connection c = platform.pools().shared().getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      RuntimeException translated =
          TenantTransactions.translate(
              new IllegalStateException("TENANCY-0090 " + e.getMessage(), e));
      throw translated;
    }
  }
}

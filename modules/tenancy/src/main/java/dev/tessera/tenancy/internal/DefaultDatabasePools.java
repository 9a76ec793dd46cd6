package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.DatabasePools;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;

/** Reads the connection pools' usage; nothing while the data layer is down. */
@ApplicationScoped
public class DefaultDatabasePools implements DatabasePools {
  @Inject DataLayerStartup platform;

  @Override
  public List<PoolUsage> usage() {
    try {
      return platform.pools().usage();
    } catch (RuntimeException down) {
      return List.of(); // the data layer is not up (UnavailableException) or stopping
    }
  }
}

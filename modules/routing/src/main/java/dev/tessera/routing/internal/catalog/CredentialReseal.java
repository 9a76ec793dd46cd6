package dev.tessera.routing.internal.catalog;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At start-up, seals every provider credential again where it is not bound to its provider (and
 * tenant) or not under the master key ring's first key: the platform's own credentials before the
 * first request (one table), the tenants' keys in the background (one transaction per tenant; a key
 * not yet re-sealed answers "restart to re-seal" until its turn, seconds later).
 */
@ApplicationScoped
public class CredentialReseal {
  private static final Logger LOG = Logger.getLogger(CredentialReseal.class.getName());

  @Inject CatalogStore catalog;
  @Inject TenantProviderKeys tenantKeys;

  void onStart(@Observes @Priority(150) @Initialized(ApplicationScoped.class) Object ignored) {
    try {
      int n = catalog.reencryptCredentials();
      if (n > 0) {
        LOG.info("ROUTING-0120 re-sealed " + n + " provider credential(s) under the current key");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ROUTING-0121 provider credentials not re-sealed at start", e);
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                int n = tenantKeys.reencryptAll();
                if (n > 0) {
                  LOG.info("ROUTING-0122 re-sealed " + n + " tenant provider key(s)");
                }
              } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "ROUTING-0124 tenant provider keys not re-sealed", e);
              }
            },
            "tessera-credential-reseal");
    t.setDaemon(true);
    t.start();
  }
}

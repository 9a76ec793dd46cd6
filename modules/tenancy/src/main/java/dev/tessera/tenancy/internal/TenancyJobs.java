package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantView;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Background duties of tenancy: at start-up, finish or undo tier moves a crash interrupted and
 * re-seal webhook secrets (bound to their tenant, under the current master key); every minute,
 * purge tenants whose deletion grace period has passed.
 */
@ApplicationScoped
public class TenancyJobs {
  private static final Logger LOG = Logger.getLogger(TenancyJobs.class.getName());

  @Inject DataLayerStartup platform;
  @Inject TierMover mover;
  @Inject DefaultTenants tenants;
  @Inject PlatformSettings settings;
  @Inject DefaultWebhookSigning webhookSigning;

  private ScheduledExecutorService scheduler;

  void onStart(@Observes @Priority(100) @Initialized(ApplicationScoped.class) Object ignored) {
    if (!platform.ready()) {
      return;
    }
    mover.recover();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tessera-tenancy-jobs");
              t.setDaemon(true);
              return t;
            });
    scheduler.execute(this::resealWebhookSecrets);
    long every = settings.purgeInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.MILLISECONDS);
  }

  private void purge() {
    try {
      tenants.purgeExpired();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "TENANCY-0080 purge run failed", e);
    }
  }

  private void resealWebhookSecrets() {
    int total = 0;
    String cursor = null;
    try {
      do {
        Page<TenantView> page = tenants.list(PageRequest.of(cursor, PageRequest.MAX_SIZE));
        for (TenantView t : page.items()) {
          try {
            total += webhookSigning.reseal(t.id());
          } catch (NotFoundException purgedMeanwhile) {
            // nothing left to re-seal
          }
        }
        cursor = page.nextCursor();
      } while (cursor != null);
      if (total > 0) {
        LOG.info("TENANCY-0081 re-sealed " + total + " webhook secret(s)");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "TENANCY-0082 webhook secrets not re-sealed at start", e);
    }
  }

  @PreDestroy
  void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}

package dev.tessera.tenancy.internal;

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
 * Background duties of tenancy: at start-up, finish or undo tier moves a crash interrupted; every
 * minute, purge tenants whose deletion grace period has passed.
 */
@ApplicationScoped
public class TenancyJobs {
  private static final Logger LOG = Logger.getLogger(TenancyJobs.class.getName());

  @Inject DataPlatform platform;
  @Inject TierMover mover;
  @Inject DefaultTenants tenants;
  @Inject PlatformSettings settings;

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

  @PreDestroy
  void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}

package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.Gateway;
import dev.tessera.tenancy.api.ApiKeys;
import dev.tessera.tenancy.api.ComputeLanes;
import dev.tessera.tenancy.api.Tenants;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * This instance's batch workers: from start-up, polls the queue every TESSERA_BATCHES_POLL_INTERVAL
 * and claims due jobs while it has a free worker (TESSERA_BATCHES_WORKERS; 0 makes an instance that
 * only accepts submissions) and interactive load allows; renews the leases of the jobs it runs a
 * few times per lease; stops with the application.
 */
@ApplicationScoped
class BatchWorkers {
  private static final Logger LOG = Logger.getLogger(BatchWorkers.class.getName());

  @Inject BatchSettings settings;
  @Inject BatchQueue queue;
  @Inject BatchLines lines;
  @Inject BatchWebhooks webhooks;
  @Inject ComputeLanes lanes;
  @Inject Gateway gateway;
  @Inject Tenants tenants;
  @Inject ApiKeys keys;

  /** Who holds a lease: this instance, for as long as it runs. */
  final String owner = "instance-" + UUID.randomUUID();

  private final Map<UUID, BatchRun> running = new ConcurrentHashMap<>();
  private Semaphore slots;
  private ScheduledExecutorService scheduler;
  private ExecutorService jobs;
  private volatile boolean stopping;
  private volatile long quietUntil;

  void onStart(@Observes @Priority(200) @Initialized(ApplicationScoped.class) Object ignored) {
    if (settings.workers() <= 0) {
      LOG.info("ROUTING-0700 batch workers off on this instance (TESSERA_BATCHES_WORKERS=0)");
      return;
    }
    slots = new Semaphore(settings.workers());
    jobs = Executors.newFixedThreadPool(settings.workers(), daemon("tessera-batch-job"));
    scheduler = Executors.newScheduledThreadPool(2, daemon("tessera-batch-poll"));
    long poll = Math.max(50, settings.pollInterval().toMillis());
    long beat = Math.max(100, settings.lease().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    LOG.info(
        "ROUTING-0701 batch workers started: "
            + settings.workers()
            + " jobs at a time as "
            + owner
            + ", lease "
            + settings.lease());
  }

  private void poll() {
    if (stopping || System.currentTimeMillis() < quietUntil) {
      return;
    }
    try {
      while (!stopping && slots.tryAcquire()) {
        if (Shedding.shed(lanes.interactiveLoad(), lanes.batchBacklog(), settings.shedAt())) {
          slots.release();
          LOG.fine("ROUTING-0707 not claiming: interactive load is high");
          return;
        }
        Optional<BatchQueue.Claim> claim =
            queue.claim(owner, settings.lease(), Math.max(1, settings.tenantConcurrency()));
        if (claim.isEmpty()) {
          slots.release();
          return;
        }
        BatchRun run = new BatchRun(claim.get(), this);
        running.put(claim.get().job(), run);
        jobs.execute(
            () -> {
              try {
                run.run();
              } finally {
                running.remove(claim.get().job());
                slots.release();
              }
            });
      }
    } catch (RuntimeException e) {
      slots.release();
      // the database may not be ready yet, or went away: say so once in a while, not every poll
      quietUntil = System.currentTimeMillis() + 10_000;
      LOG.log(Level.WARNING, "ROUTING-0710 batch queue poll failed; retrying in 10 s", e);
    }
  }

  private void heartbeat() {
    if (running.isEmpty()) {
      return;
    }
    try {
      Set<UUID> mine = new HashSet<>(running.keySet());
      Set<UUID> held = queue.renew(owner, mine, settings.lease());
      mine.removeAll(held);
      for (UUID lost : mine) {
        BatchRun run = running.get(lost);
        if (run != null) {
          LOG.info("ROUTING-0706 lease of batch " + lost + " lost; this instance stops it");
          run.lose();
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ROUTING-0711 batch lease renewal failed", e);
    }
  }

  boolean stopping() {
    return stopping;
  }

  Duration batchDeadline() {
    return settings.batchDeadline();
  }

  @PreDestroy
  void stop() {
    stopping = true;
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    if (jobs != null) {
      jobs.shutdownNow();
      try {
        jobs.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (UUID job : running.keySet()) {
      try {
        queue.requeue(job, owner, Duration.ZERO, true); // hand it over now, not at lease expiry
      } catch (RuntimeException e) {
        LOG.fine("ROUTING-0708 could not hand back batch " + job + ": " + e.getMessage());
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}

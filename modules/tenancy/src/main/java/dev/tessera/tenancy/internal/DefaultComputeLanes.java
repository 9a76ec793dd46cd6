package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.ComputeLanes;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lanes of this instance: request slots (a semaphore per lane, taken at admission) and a
 * bounded executor per lane for background work, plus the batch lane, whose threads only batch jobs
 * use. A full lane refuses rather than queues.
 */
@ApplicationScoped
public class DefaultComputeLanes implements ComputeLanes {
  @Inject PlatformSettings settings;

  private final Map<TenantId, Lane> enterprise = new ConcurrentHashMap<>();
  private volatile Lane shared;
  private volatile Lane batch;

  /** One lane: its request slots and its executor. */
  record Lane(String name, int capacity, Semaphore slots, ThreadPoolExecutor executor) {
    double load() {
      return (capacity - slots.availablePermits()) / (double) capacity;
    }
  }

  Lane laneFor(TenantId tenant, Tier tier) {
    if (tier.hasOwnLane()) {
      return enterprise.computeIfAbsent(
          tenant, t -> open("enterprise-" + t, settings.enterpriseLaneCapacity()));
    }
    Lane s = shared;
    if (s == null) {
      synchronized (this) {
        if (shared == null) {
          shared = open("shared", settings.sharedLaneCapacity());
        }
        s = shared;
      }
    }
    return s;
  }

  @Override
  public ExecutorService executorFor(TenantId tenant, Tier tier) {
    return laneFor(tenant, tier).executor();
  }

  @Override
  public ExecutorService batchExecutor() {
    return batchLane().executor();
  }

  @Override
  public double interactiveLoad(TenantId tenant, Tier tier) {
    return laneFor(tenant, tier).load();
  }

  @Override
  public double interactiveLoad() {
    double load = shared == null ? 0 : shared.load();
    for (Lane l : enterprise.values()) {
      load = Math.max(load, l.load());
    }
    return load;
  }

  @Override
  public double batchBacklog() {
    ThreadPoolExecutor e = batchLane().executor();
    int queued = e.getQueue().size();
    return queued / (double) (queued + e.getQueue().remainingCapacity());
  }

  private Lane batchLane() {
    Lane b = batch;
    if (b == null) {
      synchronized (this) {
        if (batch == null) {
          int capacity = Math.max(1, settings.batchLaneCapacity());
          batch = open("batch", capacity, capacity);
        }
        b = batch;
      }
    }
    return b;
  }

  private static Lane open(String name, int capacity) {
    return open(name, capacity, Math.max(2, capacity / 4));
  }

  private static Lane open(String name, int capacity, int threads) {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(capacity * 4),
            r -> {
              Thread t = new Thread(r, "tessera-lane-" + name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    return new Lane(name, capacity, new Semaphore(capacity), executor);
  }

  @PreDestroy
  void stop() {
    if (shared != null) {
      shared.executor().shutdownNow();
    }
    enterprise.values().forEach(l -> l.executor().shutdownNow());
    if (batch != null) {
      batch.executor().shutdownNow();
    }
  }
}

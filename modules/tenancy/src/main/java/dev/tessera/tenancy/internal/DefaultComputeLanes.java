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
 * bounded executor per lane for background work. A full lane refuses rather than queues.
 */
@ApplicationScoped
public class DefaultComputeLanes implements ComputeLanes {
  @Inject PlatformSettings settings;

  private final Map<TenantId, Lane> enterprise = new ConcurrentHashMap<>();
  private volatile Lane shared;

  /** One lane: its request slots and its executor. */
  record Lane(String name, Semaphore slots, ThreadPoolExecutor executor) {}

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

  private static Lane open(String name, int capacity) {
    AtomicInteger n = new AtomicInteger();
    int threads = Math.max(2, capacity / 4);
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
    return new Lane(name, new Semaphore(capacity), executor);
  }

  @PreDestroy
  void stop() {
    if (shared != null) {
      shared.executor().shutdownNow();
    }
    enterprise.values().forEach(l -> l.executor().shutdownNow());
  }
}

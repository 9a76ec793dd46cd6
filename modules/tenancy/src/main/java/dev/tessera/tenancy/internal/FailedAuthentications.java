package dev.tessera.tenancy.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps anonymous traffic off the tenant databases. A key this instance has not seen verified is
 * looked up only while its client address and its claimed tenant stay under a budget of failed
 * attempts per second, and at most {@link #LOOKUPS_PER_TENANT} such lookups of one tenant run at
 * once (so a flood holds at most that many of the tenant pool's connections); a key that just
 * failed is refused for a second without a lookup. Keys seen valid before are never held back, so a
 * tenant's real clients keep working while someone floods its id with made-up keys.
 */
final class FailedAuthentications {
  static final int FAILURES_PER_ADDRESS_PER_SECOND = 5;
  static final int FAILURES_PER_TENANT_PER_SECOND = 20;
  static final int LOOKUPS_PER_TENANT = 2;
  private static final long SECOND = 1_000_000_000L;
  private static final int MAX_ENTRIES = 50_000;

  /** Failures in the current one-second window: the window's start in the high bits. */
  private final Map<String, AtomicLong> windows = new ConcurrentHashMap<>();

  private final Map<String, Long> refusedUntil = new ConcurrentHashMap<>();
  private final Map<Object, Semaphore> gates = new ConcurrentHashMap<>();

  /** True when a fresh lookup for this key may not even be tried now. */
  boolean shedding(String keyHash, String address, Object tenant, long now) {
    Long until = refusedUntil.get(keyHash);
    if (until != null && now < until) {
      return true;
    }
    return over("a:" + address, FAILURES_PER_ADDRESS_PER_SECOND, now)
        || over("t:" + tenant, FAILURES_PER_TENANT_PER_SECOND, now);
  }

  /**
   * A permit to look a key of {@code tenant} up, waiting up to a second for one of the running
   * lookups to end; null when none ended (or the thread was interrupted).
   */
  Semaphore gate(Object tenant) {
    Semaphore gate = gates.computeIfAbsent(tenant, t -> new Semaphore(LOOKUPS_PER_TENANT));
    try {
      return gate.tryAcquire(1, TimeUnit.SECONDS) ? gate : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  void failed(String keyHash, String address, Object tenant, long now) {
    if (refusedUntil.size() >= MAX_ENTRIES) {
      refusedUntil.clear();
    }
    refusedUntil.put(keyHash, now + SECOND);
    count("a:" + address, now);
    count("t:" + tenant, now);
  }

  private boolean over(String who, int limit, long now) {
    AtomicLong w = windows.get(who);
    return w != null && (w.get() >>> 20) == window(now) && (w.get() & 0xFFFFF) >= limit;
  }

  private void count(String who, long now) {
    if (windows.size() >= MAX_ENTRIES) {
      windows.clear();
    }
    long current = window(now);
    windows
        .computeIfAbsent(who, k -> new AtomicLong())
        .updateAndGet(
            v -> (v >>> 20) == current ? (v & 0xFFFFF) < 0xFFFFF ? v + 1 : v : (current << 20) | 1);
  }

  /** The one-second window {@code now} falls in (fits 43 bits: ~280 years of nanoTime seconds). */
  private static long window(long now) {
    return (now / SECOND) & 0x7FF_FFFF_FFFFL;
  }
}

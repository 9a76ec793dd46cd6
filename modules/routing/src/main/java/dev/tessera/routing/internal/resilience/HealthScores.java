package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ProviderException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Rolling health of each provider deployment from live traffic: the last {@code windowSize} calls
 * no older than {@code windowAge}. Recording is O(1) under a per-deployment lock; the percentiles
 * are computed when read, which the router does far less often than calls are recorded.
 */
public final class HealthScores {
  private final int windowSize;
  private final long windowAgeNanos;
  private final NanoClock clock;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  public HealthScores(int windowSize, Duration windowAge, NanoClock clock) {
    if (windowSize < 1) {
      throw new IllegalArgumentException("windowSize must be at least 1");
    }
    this.windowSize = windowSize;
    this.windowAgeNanos = windowAge.toNanos();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The last 100 calls of the last minute. */
  public HealthScores() {
    this(100, Duration.ofSeconds(60), NanoClock.SYSTEM);
  }

  /** A successful call; {@code timeToFirstToken} is {@code null} for calls that did not stream. */
  public void recordSuccess(String deploymentId, Duration latency, Duration timeToFirstToken) {
    window(deploymentId)
        .add(
            clock.nanoTime(),
            false,
            latency.toNanos(),
            timeToFirstToken == null ? -1 : timeToFirstToken.toNanos());
  }

  /**
   * A failed call. Rejections of the request itself (4xx) are left out: they describe the caller,
   * and their quick answers would flatter the latency.
   */
  public void recordFailure(String deploymentId, Duration latency, ProviderException failure) {
    if (CircuitBreaker.countsAgainstProvider(failure)) {
      window(deploymentId).add(clock.nanoTime(), true, latency.toNanos(), -1);
    }
  }

  public HealthScore scoreOf(String deploymentId) {
    Window w = windows.get(deploymentId);
    if (w == null) {
      return new HealthScore(
          deploymentId, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
    return w.score(deploymentId, clock.nanoTime() - windowAgeNanos);
  }

  private Window window(String deploymentId) {
    return windows.computeIfAbsent(deploymentId, id -> new Window(windowSize));
  }

  /** A ring of the last calls, as parallel primitive arrays so recording allocates nothing. */
  private static final class Window {
    private final long[] at;
    private final long[] latency;
    private final long[] ttft;
    private final boolean[] failed;
    private int next;
    private int size;

    Window(int capacity) {
      at = new long[capacity];
      latency = new long[capacity];
      ttft = new long[capacity];
      failed = new boolean[capacity];
    }

    synchronized void add(long now, boolean isFailure, long latencyNanos, long ttftNanos) {
      at[next] = now;
      failed[next] = isFailure;
      latency[next] = latencyNanos;
      ttft[next] = ttftNanos;
      next = (next + 1) % at.length;
      size = Math.min(size + 1, at.length);
    }

    synchronized HealthScore score(String deploymentId, long notBefore) {
      int calls = 0;
      int failures = 0;
      long[] latencies = new long[size];
      long[] ttfts = new long[size];
      int nLatency = 0;
      int nTtft = 0;
      for (int i = 0; i < size; i++) {
        if (at[i] - notBefore < 0) {
          continue;
        }
        calls++;
        if (failed[i]) {
          failures++;
        } else {
          latencies[nLatency++] = latency[i];
          if (ttft[i] >= 0) {
            ttfts[nTtft++] = ttft[i];
          }
        }
      }
      long[] l = Arrays.copyOf(latencies, nLatency);
      long[] t = Arrays.copyOf(ttfts, nTtft);
      Arrays.sort(l);
      Arrays.sort(t);
      return new HealthScore(
          deploymentId,
          calls,
          failures,
          percentile(l, 50),
          percentile(l, 95),
          percentile(t, 50),
          percentile(t, 95));
    }

    /** Nearest-rank percentile of sorted values; zero when there are none. */
    private static Duration percentile(long[] sorted, int p) {
      if (sorted.length == 0) {
        return Duration.ZERO;
      }
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      return Duration.ofNanos(sorted[Math.max(0, rank - 1)]);
    }
  }
}

package dev.tessera.routing.internal.telemetry;

import dev.tessera.tenancy.api.PlatformData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Batch jobs by state across the platform ({@code platform.batch_queue}: queued, running, done,
 * dead) and the age of the oldest job still waiting, read at most every ten seconds however often
 * /metrics is scraped.
 */
@ApplicationScoped
public class BatchGauges {
  private static final Logger LOG = Logger.getLogger(BatchGauges.class.getName());
  private static final long TTL_NANOS = 10_000_000_000L;
  private static final List<String> STATES =
      List.of("submitting", "queued", "running", "done", "dead");

  @Inject PlatformData platform;
  @Inject GenAiMetrics metrics;

  private record Reading(Map<String, Long> byState, double oldestQueuedSeconds, long at) {}

  private volatile Reading last = new Reading(Map.of(), 0, Long.MIN_VALUE);

  void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
    metrics.whenEnabled(this::registerGauges);
  }

  private void registerGauges() {
    for (String state : STATES) {
      metrics.gaugeOnce(
          "batch." + state,
          "tessera_batch_jobs",
          () -> read().byState().getOrDefault(state, 0L),
          new Tag("state", state));
    }
    metrics.gaugeOnce(
        "batch.age", "tessera_batch_queue_oldest_age_seconds", () -> read().oldestQueuedSeconds());
  }

  private Reading read() {
    Reading r = last;
    long now = System.nanoTime();
    if (now - r.at() < TTL_NANOS) {
      return r;
    }
    synchronized (this) {
      if (now - last.at() < TTL_NANOS) {
        return last;
      }
      try {
        last =
            platform.inPlatform(
                c -> {
                  Map<String, Long> counts = new HashMap<>();
                  double oldest = 0;
                  try (PreparedStatement ps =
                          c.prepareStatement(
                              "SELECT status, count(*), COALESCE(EXTRACT(EPOCH FROM now() - "
                                  + "min(created_at)) FILTER (WHERE status IN ('queued','running')),"
                                  + " 0) FROM platform.batch_queue GROUP BY status");
                      ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                      counts.put(rs.getString(1), rs.getLong(2));
                      oldest = Math.max(oldest, rs.getDouble(3));
                    }
                  }
                  return new Reading(counts, oldest, now);
                });
      } catch (RuntimeException e) {
        LOG.warning("OBS-0004 batch queue not readable for /metrics: " + e.getMessage());
        last = new Reading(last.byState(), last.oldestQueuedSeconds(), now);
      }
      return last;
    }
  }
}

package dev.tessera.routing.internal.telemetry;

import dev.tessera.tenancy.api.ComputeLanes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Lane occupancy and queue depth of this instance: the fullest interactive lane's share of request
 * slots in use, and the share of the batch lane's queue taken (1: batch work is refused).
 */
@ApplicationScoped
public class LaneGauges {
  @Inject ComputeLanes lanes;
  @Inject GenAiMetrics metrics;

  void register(@Observes @Initialized(ApplicationScoped.class) Object started) {
    metrics.whenEnabled(this::registerGauges);
  }

  private void registerGauges() {
    metrics.gaugeOnce(
        "lanes.interactive", "tessera_lanes_interactive_occupancy", () -> lanes.interactiveLoad());
    metrics.gaugeOnce("lanes.batch", "tessera_lanes_batch_queue_fill", () -> lanes.batchBacklog());
  }
}

package dev.tessera.tenancy.api;

import java.util.concurrent.ExecutorService;

/**
 * Bounded compute lanes: one shared by standard and professional tenants, one of its own for each
 * enterprise tenant, so another tenant's load can never starve an enterprise tenant; and a batch
 * lane per instance, separate from all of them, so asynchronous work can never starve interactive
 * calls.
 */
public interface ComputeLanes {
  /** The bounded executor for background work of this tenant (its lane's threads and queue). */
  ExecutorService executorFor(TenantId tenant, Tier tier);

  /**
   * The bounded executor of this instance's batch lane (TESSERA_LANES_BATCH_CAPACITY threads and a
   * bounded queue). A full queue refuses with {@link
   * java.util.concurrent.RejectedExecutionException}.
   */
  ExecutorService batchExecutor();

  /** The share (0..1) of request slots in use in the interactive lane this tenant is served by. */
  double interactiveLoad(TenantId tenant, Tier tier);

  /** The highest share (0..1) of request slots in use among this instance's interactive lanes. */
  double interactiveLoad();

  /** The share (0..1) of the batch lane's queue that is taken; 1 means new work is refused. */
  double batchBacklog();
}

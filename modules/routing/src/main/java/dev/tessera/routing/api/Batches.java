package dev.tessera.routing.api;

import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.TenantId;
import java.util.function.Consumer;

/**
 * Asynchronous batch jobs: many chat requests accepted at once, answered in the background on the
 * batch lane from a durable queue, and read back as results. A job id of another tenant is unknown
 * ({@link dev.tessera.tenancy.api.NotFoundException}).
 */
public interface Batches {
  /**
   * Validates and queues a batch for the key's tenant. Bad input is an {@link
   * dev.tessera.tenancy.api.InvalidInputException} with nothing written; an overloaded instance
   * sheds batch work first ({@link dev.tessera.tenancy.api.UnavailableException}, 503).
   */
  BatchView submit(KeyPrincipal key, NewBatch batch);

  BatchView get(TenantId tenant, String id);

  /** The tenant's batches, newest first, after the batch {@code after} (a previous page's last). */
  BatchPage list(TenantId tenant, String after, int limit);

  /** Stops the job: lines not yet answered stay unanswered. A finished job is a conflict. */
  BatchView cancel(TenantId tenant, String id);

  /** Hands every answered line of the job to {@code sink}, in line order, page by page. */
  void results(TenantId tenant, String id, Consumer<BatchLineResult> sink);
}

package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.BatchLineResult;
import dev.tessera.routing.api.BatchPage;
import dev.tessera.routing.api.BatchView;
import dev.tessera.routing.api.Batches;
import dev.tessera.routing.api.NewBatch;
import dev.tessera.tenancy.api.ComputeLanes;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.UnavailableException;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Batch jobs as the API sees them. A submission is validated completely, refused with 503 while the
 * instance sheds batch work, then written in two steps: a queue row that is not yet claimable, the
 * tenant's rows, then the queue row made claimable (a crash in between is recovered by the claim).
 */
@ApplicationScoped
public class DefaultBatches implements Batches {
  private static final Logger LOG = Logger.getLogger(DefaultBatches.class.getName());

  @Inject BatchSettings settings;
  @Inject BatchStore store;
  @Inject BatchQueue queue;
  @Inject ComputeLanes lanes;
  @Inject WebhookTargets webhooks;

  @Override
  public BatchView submit(KeyPrincipal key, NewBatch batch) {
    NewBatch valid = BatchValidation.check(batch, settings.maxLines(), settings.maxLineBytes());
    if (valid.webhookUrl() != null) {
      webhooks.check("webhook_url", valid.webhookUrl());
    }
    if (Shedding.shed(
        lanes.interactiveLoad(key.tenant(), key.tier()), lanes.batchBacklog(), settings.shedAt())) {
      LOG.info("ROUTING-0730 batch submission shed under load, tenant " + key.tenant());
      throw new UnavailableException(
          "This instance is busy with interactive traffic; batch submissions resume shortly.",
          Math.max(1, settings.pollInterval().toSeconds() * 5));
    }
    UUID id = UUID.randomUUID();
    queue.reserve(id, key.tenant());
    try {
      store.insert(key.tenant(), id, key.keyId(), valid, Instant.now().plus(Duration.ofHours(24)));
    } catch (RuntimeException e) {
      queue.forget(id);
      throw e;
    }
    queue.release(id);
    return store.get(key.tenant(), id);
  }

  @Override
  public BatchView get(TenantId tenant, String id) {
    return store.get(tenant, BatchIds.parse(id));
  }

  @Override
  public BatchPage list(TenantId tenant, String after, int limit) {
    return store.list(tenant, after == null ? null : BatchIds.parse(after), limit);
  }

  @Override
  public BatchView cancel(TenantId tenant, String id) {
    UUID job = BatchIds.parse(id);
    BatchView cancelled = store.cancel(tenant, job);
    queue.close(job);
    return cancelled;
  }

  @Override
  public void results(TenantId tenant, String id, Consumer<BatchLineResult> sink) {
    UUID job = BatchIds.parse(id);
    store.get(tenant, job); // 404 before any output
    store.results(tenant, job, sink);
  }
}

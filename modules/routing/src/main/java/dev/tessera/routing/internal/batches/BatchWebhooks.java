package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.BatchView;
import dev.tessera.routing.codec.BatchJson;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.WebhookSigning;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Tells a job's webhook that it finished: POSTs the batch object, signed (see {@link
 * WebhookSigning}), best effort, up to {@link #ATTEMPTS} times with a growing pause. Asynchronous
 * throughout, so no worker ever waits on a tenant's server.
 */
@ApplicationScoped
class BatchWebhooks {
  static final int ATTEMPTS = 4;
  private static final Logger LOG = Logger.getLogger(BatchWebhooks.class.getName());

  @Inject WebhookTargets targets;
  @Inject WebhookSigning signing;

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final ScheduledThreadPoolExecutor timer =
      new ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread t = new Thread(r, "tessera-batch-webhooks");
            t.setDaemon(true);
            return t;
          });

  void notify(TenantId tenant, BatchView job) {
    if (job.webhookUrl() == null) {
      return;
    }
    if (timer.getQueue().size() > 10_000) {
      LOG.warning("ROUTING-0722 webhook backlog full, dropped the notice of " + job.id());
      return;
    }
    String body = BatchJson.batch(job).toString();
    String message = "msg_" + job.id() + "_" + job.status();
    timer.execute(() -> send(tenant, job, message, body, 1));
  }

  private void send(TenantId tenant, BatchView job, String message, String body, int attempt) {
    HttpRequest.Builder builder;
    try {
      URI target = URI.create(job.webhookUrl());
      if (!targets.deliverable(target)) {
        // resolved somewhere private since it was accepted (see WebhookTargets)
        LOG.info("ROUTING-0724 webhook of " + job.id() + " refused: " + target.getHost());
        return;
      }
      builder =
          HttpRequest.newBuilder(target)
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/json")
              .header("x-tessera-event", "batch." + job.status())
              .POST(HttpRequest.BodyPublishers.ofString(body));
    } catch (IllegalArgumentException e) {
      LOG.info("ROUTING-0723 webhook URL of " + job.id() + " unusable: " + e.getMessage());
      return;
    }
    try {
      signing.sign(tenant, message, body).forEach(builder::header);
    } catch (RuntimeException e) { // no signature now (database unreachable): try again later
      retry(tenant, job, message, body, attempt, "signing: " + e.getClass().getSimpleName());
      return;
    }
    http.sendAsync(builder.build(), HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (response, failure) -> {
              int status = response == null ? 0 : response.statusCode();
              if (failure == null && status >= 200 && status < 300) {
                LOG.fine("ROUTING-0720 webhook of " + job.id() + " delivered");
                return;
              }
              retry(
                  tenant,
                  job,
                  message,
                  body,
                  attempt,
                  failure == null ? "HTTP " + status : failure.getClass().getSimpleName());
            });
  }

  private void retry(
      TenantId tenant, BatchView job, String message, String body, int attempt, String last) {
    if (attempt >= ATTEMPTS || timer.isShutdown()) {
      LOG.info(
          "ROUTING-0721 webhook of "
              + job.id()
              + " not delivered after "
              + attempt
              + " attempts (last: "
              + last
              + ")");
      return;
    }
    timer.schedule(
        () -> send(tenant, job, message, body, attempt + 1), 1L << (attempt - 1), TimeUnit.SECONDS);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}

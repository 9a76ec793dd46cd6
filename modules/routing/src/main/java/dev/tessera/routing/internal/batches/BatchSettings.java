package dev.tessera.routing.internal.batches;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Every setting of batch jobs; each has its TESSERA_* environment form (see the README). */
@ApplicationScoped
class BatchSettings {
  @Inject
  @ConfigProperty(name = "tessera.batches.max-attempts", defaultValue = "3")
  int maxAttempts;

  @Inject
  @ConfigProperty(name = "tessera.batches.max-lines", defaultValue = "1000")
  int maxLines;

  @Inject
  @ConfigProperty(name = "tessera.batches.max-line-bytes", defaultValue = "65536")
  int maxLineBytes;

  @Inject
  @ConfigProperty(name = "tessera.batches.lease", defaultValue = "PT1M")
  String lease;

  @Inject
  @ConfigProperty(name = "tessera.batches.poll-interval", defaultValue = "PT1S")
  String pollInterval;

  @Inject
  @ConfigProperty(name = "tessera.batches.retry-backoff", defaultValue = "PT5S")
  String retryBackoff;

  @Inject
  @ConfigProperty(name = "tessera.batches.retry-backoff-max", defaultValue = "PT10M")
  String retryBackoffMax;

  @Inject
  @ConfigProperty(name = "tessera.batches.workers", defaultValue = "2")
  int workers;

  @Inject
  @ConfigProperty(name = "tessera.batches.tenant-concurrency", defaultValue = "2")
  int tenantConcurrency;

  @Inject
  @ConfigProperty(name = "tessera.batches.line-parallelism", defaultValue = "4")
  int lineParallelism;

  @Inject
  @ConfigProperty(name = "tessera.batches.shed-at", defaultValue = "0.8")
  double shedAt;

  @Inject
  @ConfigProperty(name = "tessera.gateway.batch-deadline", defaultValue = "PT5M")
  String batchDeadline;

  // accessors, not fields: callers hold the CDI client proxy, whose own fields are never injected
  int maxAttempts() {
    return maxAttempts;
  }

  int maxLines() {
    return maxLines;
  }

  int maxLineBytes() {
    return maxLineBytes;
  }

  int workers() {
    return workers;
  }

  int tenantConcurrency() {
    return tenantConcurrency;
  }

  int lineParallelism() {
    return lineParallelism;
  }

  double shedAt() {
    return shedAt;
  }

  Duration lease() {
    return Duration.parse(lease);
  }

  Duration pollInterval() {
    return Duration.parse(pollInterval);
  }

  Backoff backoff() {
    return new Backoff(Duration.parse(retryBackoff), Duration.parse(retryBackoffMax));
  }

  Duration batchDeadline() {
    return Duration.parse(batchDeadline);
  }
}

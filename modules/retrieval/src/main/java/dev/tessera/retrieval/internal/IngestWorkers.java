package dev.tessera.retrieval.internal;

import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.tenancy.api.RequestIds;
import dev.tessera.tenancy.api.Tenants;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs document ingestion off the request path: claims a queued version, extracts its text, chunks
 * it, embeds the chunks through the gateway in batches (progress = chunks done / total), and puts
 * the version live in one transaction. An unreadable file is dead-lettered at once with its reason;
 * other failures are retried with a growing pause, then dead-lettered.
 */
@ApplicationScoped
class IngestWorkers {
  private static final Logger LOG = Logger.getLogger(IngestWorkers.class.getName());
  private static final int EMBED_BATCH = 32;

  @Inject IngestQueue queue;
  @Inject RetrievalStore store;
  @Inject RetrievalSettings settings;
  @Inject Embedder embedder;
  @Inject Tenants tenants;
  @Inject TenantIndexes indexes;

  final String owner = "instance-" + UUID.randomUUID();
  private ScheduledExecutorService pollers;
  private volatile boolean stopping;
  private volatile long quietUntil;

  void onStart(@Observes @Priority(210) @Initialized(ApplicationScoped.class) Object ignored) {
    if (settings.workers() <= 0) {
      LOG.info("RETR-0010 ingestion workers off on this instance (TESSERA_RETRIEVAL_WORKERS=0)");
      return;
    }
    pollers =
        Executors.newScheduledThreadPool(
            settings.workers() + 1,
            r -> {
              Thread t = new Thread(r, "tessera-ingest");
              t.setDaemon(true);
              return t;
            });
    long poll = Math.max(50, settings.pollInterval().toMillis());
    for (int i = 0; i < settings.workers(); i++) {
      pollers.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
    }
    LOG.info("RETR-0011 ingestion workers started: " + settings.workers() + " as " + owner);
  }

  @PreDestroy
  void stop() {
    stopping = true;
    if (pollers != null) {
      pollers.shutdownNow();
    }
  }

  private void poll() {
    if (stopping || System.currentTimeMillis() < quietUntil) {
      return;
    }
    try {
      Optional<IngestQueue.Claim> claim;
      while (!stopping && (claim = queue.claim(owner, settings.lease())).isPresent()) {
        run(claim.get());
      }
    } catch (RuntimeException e) {
      quietUntil = System.currentTimeMillis() + 10_000;
      LOG.log(Level.WARNING, "RETR-0012 ingestion queue poll failed; retrying in 10 s", e);
    }
  }

  void run(IngestQueue.Claim claim) {
    long beat = Math.max(200, settings.lease().toMillis() / 3);
    ScheduledFuture<?> renew =
        pollers.scheduleWithFixedDelay(
            () -> {
              try {
                queue.renew(claim.job(), owner, settings.lease());
              } catch (RuntimeException e) {
                LOG.log(Level.FINE, "lease renewal", e);
              }
            },
            beat,
            beat,
            TimeUnit.MILLISECONDS);
    try {
      Outcome outcome = ingest(claim);
      switch (outcome) {
        case DONE -> queue.finish(claim.job(), owner, false);
        case DEAD -> queue.finish(claim.job(), owner, true);
        default -> throw new IllegalStateException();
      }
    } catch (RuntimeException e) {
      String why =
          e.getClass().getSimpleName()
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      if (claim.attempts() >= settings.maxAttempts()) {
        store.failed(claim.tenant(), claim.document(), claim.version(), "retries_exhausted", why);
        queue.finish(claim.job(), owner, true);
        LOG.log(
            Level.WARNING,
            "RETR-0013 document "
                + claim.document()
                + " dead-lettered after "
                + claim.attempts()
                + " attempts",
            e);
      } else {
        store.retrying(claim.tenant(), claim.document(), claim.version(), why);
        queue.retryLater(
            claim.job(), owner, Duration.ofSeconds(1L << Math.min(8, claim.attempts())));
        LOG.log(Level.INFO, "RETR-0014 document " + claim.document() + " will be retried: " + why);
      }
    } finally {
      renew.cancel(false);
    }
  }

  enum Outcome {
    DONE,
    DEAD
  }

  private Outcome ingest(IngestQueue.Claim claim) {
    var tenant = claim.tenant();
    Optional<RetrievalStore.Work> found = store.work(tenant, claim.document(), claim.version());
    if (found.isEmpty()) {
      return Outcome.DONE; // the document or its knowledge base was deleted
    }
    RetrievalStore.Work work = found.get();
    if (work.deleted()
        || work.currentVersion() != claim.version()
        || !(work.status().equals("queued") || work.status().equals("processing"))
        || work.content() == null) {
      return Outcome.DONE; // superseded, deleted or finished meanwhile
    }
    StructuredText text;
    try {
      text = Extraction.extract(work.content(), work.mediaType());
    } catch (Extraction.Unreadable e) {
      store.failed(tenant, claim.document(), claim.version(), "unreadable", e.getMessage());
      LOG.info("RETR-0015 document " + claim.document() + " is unreadable: dead-lettered");
      return Outcome.DEAD;
    }
    List<Chunk> chunks = Chunker.chunks(text);
    if (chunks.isEmpty()) {
      store.failed(tenant, claim.document(), claim.version(), "empty", "the document has no text");
      return Outcome.DEAD;
    }
    if (chunks.size() > settings.maxChunks()) {
      store.failed(
          tenant,
          claim.document(),
          claim.version(),
          "too_many_chunks",
          chunks.size()
              + " chunks; at most "
              + settings.maxChunks()
              + " per document (TESSERA_RETRIEVAL_MAX_CHUNKS_PER_DOCUMENT)");
      return Outcome.DEAD;
    }
    if (!store.extracted(tenant, claim.document(), claim.version(), text.text(), chunks.size())) {
      return Outcome.DONE;
    }
    var view = tenants.get(tenant);
    for (int i = 0; i < chunks.size(); i += EMBED_BATCH) {
      List<Chunk> batch = chunks.subList(i, Math.min(chunks.size(), i + EMBED_BATCH));
      GatewayCall call =
          new GatewayCall(
              tenant,
              view.tier(),
              work.uploadedBy(),
              RequestIds.next(),
              Deadline.after(Duration.ofMinutes(2)),
              null,
              "retrieval-ingest");
      List<float[]> vectors =
          embedder.embed(
              call,
              work.embeddingModel(),
              batch.stream().map(c -> c.indexedText(work.title())).toList());
      if (!store.addChunks(tenant, claim.document(), claim.version(), batch, vectors)) {
        return Outcome.DONE; // superseded or deleted while embedding
      }
    }
    if (store.goLive(tenant, claim.document(), claim.version())) {
      try {
        long latest = store.in(tenant, c -> store.latestChange(c, tenant));
        indexes.current(tenant, latest);
      } catch (RuntimeException e) {
        // the next search catches up anyway
        LOG.log(Level.FINE, "index catch-up after ingestion", e);
      }
    }
    return Outcome.DONE;
  }
}

package dev.tessera.retrieval.internal;

import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * This instance's Lucene indexes, one per tenant, opened on first use and caught up from
 * PostgreSQL's change log before every search: a change committed anywhere (another instance
 * included) is searched here from the next query on. An index that cannot be opened, or claims more
 * than PostgreSQL has (a restored database, a tier move), is rebuilt from scratch.
 */
@ApplicationScoped
class TenantIndexes {
  private static final Logger LOG = Logger.getLogger(TenantIndexes.class.getName());
  private static final int DOCS_PER_BATCH = 200;

  @Inject RetrievalStore store;
  @Inject RetrievalSettings settings;

  private final Map<TenantId, TenantIndex> open = new ConcurrentHashMap<>();

  /**
   * Runs the BM25 half of hybrid searches while the request thread embeds the query. One thread per
   * core and no queue: when all are busy the request thread runs its BM25 itself, as before.
   */
  private final ThreadPoolExecutor bm25 =
      new ThreadPoolExecutor(
          1,
          Math.max(2, Runtime.getRuntime().availableProcessors()),
          30,
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "tessera-retrieval-bm25");
            t.setDaemon(true);
            return t;
          },
          new ThreadPoolExecutor.CallerRunsPolicy());

  /** Where the BM25 half of a hybrid search runs (see {@link TenantIndex#search}). */
  Executor bm25Searches() {
    return bm25;
  }

  /** The tenant's index, having applied every change up to {@code latest}. */
  TenantIndex current(TenantId tenant, long latest) {
    TenantIndex index = open(tenant);
    if (index.applied() != latest) {
      synchronized (index) {
        if (index.applied() != latest) {
          catchUp(tenant, index);
        }
      }
    }
    return index;
  }

  /** Applies the changes PostgreSQL has past what the index applied, in batches of documents. */
  void catchUp(TenantId tenant, TenantIndex index) {
    try {
      long latest = store.in(tenant, c -> store.latestChange(c, tenant));
      if (latest < index.applied()) {
        LOG.warning(
            "RETR-0003 index of tenant "
                + tenant.value()
                + " is ahead of PostgreSQL ("
                + index.applied()
                + " > "
                + latest
                + "); rebuilding");
        index.clear();
      }
      long from = index.applied();
      if (latest == from) {
        return;
      }
      List<java.util.UUID> changed =
          store.in(tenant, c -> store.changedSince(c, tenant, from, latest));
      for (int i = 0; i < changed.size(); i += DOCS_PER_BATCH) {
        List<java.util.UUID> batch =
            changed.subList(i, Math.min(changed.size(), i + DOCS_PER_BATCH));
        List<IndexedChunk> live = store.in(tenant, c -> store.liveChunks(c, tenant, batch));
        index.replace(batch, live);
      }
      index.commit(latest);
      if (changed.size() > 50) {
        LOG.info(
            "RETR-0004 index of tenant "
                + tenant.value()
                + " caught up: "
                + changed.size()
                + " documents");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Drops the tenant's index here and builds it again from PostgreSQL. */
  void rebuild(TenantId tenant) {
    TenantIndex index = open(tenant);
    synchronized (index) {
      try {
        index.clear();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      catchUp(tenant, index);
    }
  }

  private TenantIndex open(TenantId tenant) {
    return open.computeIfAbsent(tenant, this::openOrRebuild);
  }

  private TenantIndex openOrRebuild(TenantId tenant) {
    Path path = settings.indexRoot().resolve(tenant.value().toString());
    try {
      Files.createDirectories(path);
      return new TenantIndex(path);
    } catch (IOException | RuntimeException broken) {
      LOG.log(
          Level.WARNING,
          "RETR-0002 index of tenant " + tenant.value() + " cannot be opened; rebuilding it",
          broken);
      try {
        deleteTree(path);
        Files.createDirectories(path);
        return new TenantIndex(path);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> all = Files.walk(path)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @PreDestroy
  void close() {
    bm25.shutdown();
    open.values()
        .forEach(
            i -> {
              try {
                i.close();
              } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "closing an index", e);
              }
            });
    open.clear();
  }
}

package dev.tessera.billing.internal;

import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes the records of zero-cost calls off the request path: queued (bounded), then every few
 * milliseconds one round trip per tenant for the whole batch. Nothing here moves credits, so
 * batching trades at most one batch of records in a crash for a commit saved on every free call. A
 * full queue refuses, and the caller records synchronously instead.
 */
@ApplicationScoped
public class UsageRecorder {
  private static final Logger LOG = Logger.getLogger(UsageRecorder.class.getName());
  private static final int CAPACITY = 50_000;
  private static final int BATCH = 2_000;
  private static final long LINGER_MILLIS = 20;

  @Inject TenantData data;

  private final BlockingQueue<Record> queue = new ArrayBlockingQueue<>(CAPACITY);
  private volatile Thread writer;
  private volatile boolean stopping;

  /** One free call to record. */
  record Record(HoldRequest hold, ServedUsage usage) {}

  /** Queues a record; false when the queue is full or the application is stopping. */
  boolean offer(HoldRequest hold, ServedUsage usage) {
    if (stopping) {
      return false;
    }
    startOnce();
    return queue.offer(new Record(hold, usage));
  }

  private void startOnce() {
    if (writer == null) {
      synchronized (this) {
        if (writer == null) {
          Thread t = new Thread(this::run, "tessera-usage-recorder");
          t.setDaemon(true);
          t.start();
          writer = t;
        }
      }
    }
  }

  private void run() {
    List<Record> batch = new ArrayList<>(BATCH);
    while (!stopping || !queue.isEmpty()) {
      try {
        Record first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        // linger briefly so a burst becomes one round trip per tenant
        Thread.sleep(LINGER_MILLIS);
        queue.drainTo(batch, BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        if (!stopping) {
          Thread.currentThread().interrupt();
          return;
        }
      } finally {
        batch.clear();
      }
    }
  }

  /** Writes what is queued now, on the caller's thread (tests, shutdown). */
  void flush() {
    List<Record> rest = new ArrayList<>();
    queue.drainTo(rest);
    write(rest);
  }

  private void write(List<Record> batch) {
    Map<TenantId, List<Record>> byTenant = new LinkedHashMap<>();
    for (Record r : batch) {
      byTenant.computeIfAbsent(r.hold().tenant(), t -> new ArrayList<>()).add(r);
    }
    byTenant.forEach(
        (tenant, records) -> {
          try {
            data.inTenant(tenant, c -> insert(c, records));
          } catch (RuntimeException e) {
            // a purged tenant, a database gone: these records are lost, never any credit
            LOG.log(
                Level.WARNING,
                "BILL-0050 could not record " + records.size() + " free calls of " + tenant,
                e);
          }
        });
  }

  private static int insert(Connection c, List<Record> records) throws SQLException {
    int n = records.size();
    String[] requests = new String[n];
    Object[] keys = new Object[n];
    String[] tags = new String[n];
    String[] models = new String[n];
    String[] served = new String[n];
    Integer[] in = new Integer[n];
    Integer[] out = new Integer[n];
    Integer[] cached = new Integer[n];
    String[] cache = new String[n];
    for (int i = 0; i < n; i++) {
      Record r = records.get(i);
      requests[i] = r.hold().requestId();
      keys[i] = r.hold().keyId();
      tags[i] = r.hold().tag();
      models[i] = r.hold().model();
      served[i] = r.usage().servedModel();
      in[i] = clamp(r.usage().tokens().input());
      out[i] = clamp(r.usage().tokens().output());
      cached[i] = clamp(r.usage().tokens().cached());
      cache[i] = r.usage().cache().name().toLowerCase(Locale.ROOT);
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT tessera_meta.billing_record_free(?, ?, ?, ?, ?, ?, ?, ?, ?, 'gateway')")) {
      Array[] arrays = {
        c.createArrayOf("text", requests),
        c.createArrayOf("uuid", keys),
        c.createArrayOf("text", tags),
        c.createArrayOf("text", models),
        c.createArrayOf("text", served),
        c.createArrayOf("integer", in),
        c.createArrayOf("integer", out),
        c.createArrayOf("integer", cached),
        c.createArrayOf("text", cache)
      };
      for (int i = 0; i < arrays.length; i++) {
        ps.setArray(i + 1, arrays[i]);
      }
      ps.executeQuery().close();
      return n;
    }
  }

  private static int clamp(long v) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(0, v));
  }

  @PreDestroy
  void stop() {
    stopping = true;
    Thread t = writer;
    if (t != null) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    flush();
  }
}

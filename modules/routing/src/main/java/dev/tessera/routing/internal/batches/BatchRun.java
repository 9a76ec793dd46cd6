package dev.tessera.routing.internal.batches;

import dev.tessera.routing.api.BatchView;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.codec.OpenAiJson;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.RequestIds;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One claim of one job: runs its pending lines on the batch lane (a few at a time), then ends the
 * job (every line answered), dead-letters it (attempts used up, lines still failing), or gives it
 * back to run again after a backoff.
 */
final class BatchRun implements Runnable {
  private static final Logger LOG = Logger.getLogger(BatchRun.class.getName());
  private static final int CHUNK = 32;

  private final BatchQueue.Claim claim;
  private final BatchWorkers w;
  private final TenantId tenant;
  private final UUID job;
  private volatile boolean lost;
  private volatile boolean keyRevoked;
  private boolean laneFull;

  BatchRun(BatchQueue.Claim claim, BatchWorkers workers) {
    this.claim = claim;
    this.w = workers;
    this.tenant = claim.tenant();
    this.job = claim.job();
  }

  /** Another instance holds the job now: stop starting lines. */
  void lose() {
    lost = true;
  }

  @Override
  public void run() {
    try {
      execute();
    } catch (NotFoundException tenantGone) {
      w.queue.finish(job, w.owner, true);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ROUTING-0712 batch " + job + " run failed; it runs again later", e);
      requeue(w.settings.backoff().after(claim.attempts()), false);
    }
  }

  private void execute() {
    Optional<TenantView> owner = w.tenants.find(tenant);
    Optional<BatchLines.Head> head = owner.isEmpty() ? Optional.empty() : w.lines.head(tenant, job);
    if (head.isEmpty()) {
      // the tenant is gone, or the submission died before the job was written
      w.queue.finish(job, w.owner, true);
      return;
    }
    if (!"in_progress".equals(head.get().status())) {
      w.queue.finish(job, w.owner, false);
      return;
    }
    if (owner.get().status() != TenantStatus.ACTIVE) {
      requeue(w.settings.lease(), true); // suspended: wait without spending attempts
      return;
    }
    if (Instant.now().isAfter(head.get().expiresAt())) {
      end("expired", null, null);
      return;
    }
    if (!w.keys.isActive(tenant, head.get().keyId())) {
      keyGone();
      return;
    }
    LOG.fine("ROUTING-0702 batch " + job + " attempt " + claim.attempts() + " started");
    int after = -1;
    while (!lost && !w.stopping() && !laneFull) {
      List<BatchLines.Pending> chunk = w.lines.pending(tenant, job, after, CHUNK);
      if (chunk.isEmpty()) {
        break;
      }
      runLines(owner.get(), head.get().keyId(), chunk);
      if (keyRevoked) {
        keyGone();
        return;
      }
      after = chunk.get(chunk.size() - 1).line();
      if (!"in_progress".equals(w.lines.status(tenant, job))) {
        w.queue.finish(job, w.owner, false); // cancelled meanwhile
        return;
      }
    }
    if (lost || w.stopping()) {
      return; // the new holder, or the next start, carries on
    }
    int pending = w.lines.countPending(tenant, job);
    if (pending == 0) {
      end("completed", null, null);
    } else if (laneFull) {
      requeue(w.settings.pollInterval(), true); // not the job's fault: no attempt spent
    } else if (claim.attempts() >= w.settings.maxAttempts()) {
      LOG.info(
          "ROUTING-0705 batch "
              + job
              + " dead-lettered: "
              + pending
              + " lines still failing after "
              + claim.attempts()
              + " attempts");
      end(
          "failed",
          "retries_exhausted",
          pending + " requests still failed after " + claim.attempts() + " attempts.");
    } else {
      Duration delay = w.settings.backoff().after(claim.attempts());
      LOG.info(
          "ROUTING-0704 batch "
              + job
              + ": "
              + pending
              + " lines to retry in "
              + delay.toMillis()
              + " ms");
      requeue(delay, false);
    }
  }

  /** Runs a chunk of lines on the batch lane, at most TESSERA_BATCHES_LINE_PARALLELISM at once. */
  private void runLines(TenantView owner, UUID keyId, List<BatchLines.Pending> chunk) {
    Semaphore inFlight = new Semaphore(Math.max(1, w.settings.lineParallelism()));
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (BatchLines.Pending line : chunk) {
      if (lost || w.stopping() || keyRevoked) {
        break;
      }
      inFlight.acquireUninterruptibly();
      try {
        started.add(
            CompletableFuture.runAsync(
                () -> {
                  try {
                    answer(owner, keyId, line);
                  } finally {
                    inFlight.release();
                  }
                },
                w.lanes.batchExecutor()));
      } catch (RejectedExecutionException full) {
        inFlight.release();
        laneFull = true;
        break;
      }
    }
    started.forEach(CompletableFuture::join);
  }

  private void answer(TenantView owner, UUID keyId, BatchLines.Pending line) {
    String requestId = RequestIds.next();
    try {
      // each line runs as its key: a key revoked or expired meanwhile runs nothing more
      if (keyRevoked || !w.keys.isActive(tenant, keyId)) {
        keyRevoked = true;
        return;
      }
      GatewayCall call =
          new GatewayCall(
              tenant, owner.tier(), keyId, requestId, Deadline.after(w.batchDeadline()), null);
      GatewayResult result = w.gateway.chat(call, BatchValidation.chat(line.body()));
      String body =
          OpenAiJson.chat(result.response(), System.currentTimeMillis() / 1000).toString();
      w.lines.succeeded(tenant, job, line.line(), requestId, body);
    } catch (RuntimeException e) {
      LineFailure f = LineFailure.of(e);
      if ("server_error".equals(f.code())) {
        // not a provider's or the request's failure: ours, so say what it was
        LOG.log(Level.WARNING, "ROUTING-0713 batch " + job + " line " + line.line() + " failed", e);
      }
      if (f.retryable()) {
        w.lines.retryLater(tenant, job, line.line(), f);
      } else {
        w.lines.failed(tenant, job, line.line(), requestId, f);
      }
    }
  }

  /** The key was revoked or expired: the lines not yet answered are cancelled, never charged. */
  private void keyGone() {
    LOG.info("ROUTING-0100 batch " + job + " cancelled: its API key was revoked or expired");
    end(
        "cancelled",
        "api_key_revoked",
        "The API key that submitted this batch was revoked or has expired; requests not yet"
            + " answered were cancelled. Submit them again with a valid key.");
  }

  private void end(String status, String code, String message) {
    Optional<BatchView> ended = w.lines.finish(tenant, job, status, code, message);
    w.queue.finish(job, w.owner, "failed".equals(status));
    LOG.info("ROUTING-0703 batch " + job + " " + status);
    ended.ifPresent(view -> w.webhooks.notify(tenant, view));
  }

  private void requeue(Duration delay, boolean refund) {
    w.queue.requeue(job, w.owner, delay, refund);
  }
}

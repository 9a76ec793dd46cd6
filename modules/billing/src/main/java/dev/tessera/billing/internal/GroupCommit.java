package dev.tessera.billing.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Group commit, the way databases do it for their log: operations on one key (a tenant) that arrive
 * while a batch of that key is being written wait, and the next writer takes all of them in one
 * batch. There is no timer and no thread of its own: the first caller to find the key idle writes
 * (leader), the others wait for the leader and one of them leads the next batch. One operation
 * alone is written at once, at the cost of one batch; under load a batch holds everything that
 * arrived during the one before, so the commits per second stay flat while the operations per
 * commit grow.
 *
 * <p>{@link #submit} returns only when its operation was written or failed, never earlier, so a
 * caller that answers after it has what it answers durably recorded. A batch that fails as a whole
 * (the database unreachable, the transaction rolled back) fails each of its operations with that
 * failure; a batch's writer reports refusals of single operations in their results.
 *
 * @param <K> what operations are grouped by (one transaction per key and batch)
 * @param <O> an operation
 * @param <R> its result
 */
final class GroupCommit<K, O, R> {
  /** Writes one batch in one transaction: one result per operation, in order. */
  @FunctionalInterface
  interface Writer<K, O, R> {
    List<R> write(K key, List<O> batch);
  }

  private final Writer<K, O, R> writer;
  private final int maxBatch;
  private final ConcurrentHashMap<K, Lane<O, R>> lanes = new ConcurrentHashMap<>();

  GroupCommit(Writer<K, O, R> writer, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1");
    }
    this.writer = writer;
    this.maxBatch = maxBatch;
  }

  /**
   * Writes {@code op} in a batch of {@code key} and answers its result. Waiting callers are woken
   * one by one, never all at once: a written batch wakes exactly its own callers, and a leader
   * stepping down wakes the oldest caller still queued to lead the next batch. (One monitor with
   * {@code notifyAll} woke every waiting caller of the tenant after each batch, most of them only
   * to wait again: at 32 callers a batch, a tenth of the gateway's CPU on priced calls.)
   */
  R submit(K key, O op) {
    Lane<O, R> lane = lanes.computeIfAbsent(key, k -> new Lane<>());
    Pending<O, R> mine = new Pending<>(op, Thread.currentThread());
    lane.queue.add(mine);
    boolean interrupted = false;
    try {
      while (!mine.done) {
        if (lane.writing.compareAndSet(false, true)) {
          try {
            if (!mine.done) {
              writeOneBatch(key, lane);
            }
          } finally {
            lane.writing.set(false);
            // after stepping down: whoever queued while this batch was written leads the next
            Pending<O, R> next = lane.queue.peek();
            if (next != null) {
              LockSupport.unpark(next.thread);
            }
          }
        } else {
          LockSupport.park(lane);
          // the operation is queued and will be written: wait for its outcome regardless
          interrupted |= Thread.interrupted();
        }
      }
      return mine.result();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** How many operations of {@code key} wait for a batch (not counting one being written). */
  int queued(K key) {
    Lane<O, R> lane = lanes.get(key);
    return lane == null ? 0 : lane.queue.size();
  }

  private void writeOneBatch(K key, Lane<O, R> lane) {
    List<Pending<O, R>> batch = new ArrayList<>(Math.min(maxBatch, 64));
    for (Pending<O, R> p; batch.size() < maxBatch && (p = lane.queue.poll()) != null; ) {
      batch.add(p);
    }
    if (batch.isEmpty()) {
      return;
    }
    List<O> ops = new ArrayList<>(batch.size());
    for (Pending<O, R> p : batch) {
      ops.add(p.op);
    }
    List<R> results;
    try {
      results = writer.write(key, ops);
      if (results == null || results.size() != ops.size()) {
        throw new IllegalStateException(
            "BILL-0103 a ledger batch of "
                + ops.size()
                + " answered "
                + (results == null ? "nothing" : results.size() + " results"));
      }
    } catch (RuntimeException | Error failed) {
      for (Pending<O, R> p : batch) {
        p.failure = failed;
        p.complete();
      }
      return;
    }
    for (int i = 0; i < batch.size(); i++) {
      Pending<O, R> p = batch.get(i);
      p.value = results.get(i);
      p.complete();
    }
  }

  /** The operations of one key waiting for a batch, and whether one is being written. */
  private static final class Lane<O, R> {
    final Queue<Pending<O, R>> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean writing = new AtomicBoolean();
  }

  private static final class Pending<O, R> {
    final O op;
    final Thread thread;
    volatile boolean done;
    R value; // written before done, read after it
    Throwable failure;

    Pending(O op, Thread thread) {
      this.op = op;
      this.thread = thread;
    }

    void complete() {
      done = true;
      if (thread != Thread.currentThread()) {
        LockSupport.unpark(thread);
      }
    }

    /** Its result, or its batch's failure rethrown in the caller's thread. */
    R result() {
      if (failure == null) {
        return value;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      // a new exception per caller, so each has its own stack; the batch's failure is its cause
      throw new BatchFailedException(failure);
    }
  }

  /** The batch an operation was in failed as a whole; the cause says why. */
  static final class BatchFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BatchFailedException(Throwable cause) {
      super("the ledger batch failed: " + cause.getMessage(), cause);
    }
  }
}

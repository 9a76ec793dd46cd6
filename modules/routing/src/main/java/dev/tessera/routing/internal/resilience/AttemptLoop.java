package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import dev.tessera.routing.spi.ProviderAdapter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One request's way through its plan of deployments: call, retry, fall back, until an answer, a
 * final failure, the deadline or a cancel, whichever comes first. Upstream completions, retry
 * timers, the deadline timer and cancel race from different threads; this object's monitor decides,
 * and whoever takes the current try out of {@code current} settles it (breaker, health, attempts)
 * exactly once. Adapters and listener terminal callbacks are called outside the monitor so that
 * their own locks are never taken while it is held.
 */
abstract class AttemptLoop implements ResilientCall {
  private static final Logger LOG = Logger.getLogger(AttemptLoop.class.getName());

  /** The provider name on failures the gateway itself decided. */
  static final String GATEWAY = "tessera";

  final ResilientCaller caller;
  final List<Deployment> plan;
  final ChatRequest request;
  final Deadline deadline;
  private final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
  private final AttemptObserver observer;
  private final Object observed;

  // Guarded by this.
  private final List<Attempt> attempts = new ArrayList<>();
  private int index;
  private int triesHere;
  private Try current;
  private Deployment lastTried;
  private ProviderException lastFailure;
  private boolean relayed;
  private boolean finished;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> deadlineTimer;

  AttemptLoop(
      ResilientCaller caller, List<Deployment> plan, ChatRequest request, Deadline deadline) {
    this.caller = caller;
    this.plan = plan;
    this.request = request;
    this.deadline = deadline;
    this.observer = caller.observer();
    this.observed = observer.currentCall();
  }

  /** One upstream call and what it needs to be settled or aborted. */
  static final class Try {
    final Deployment deployment;
    final CircuitBreaker.Permit permit;
    final int number;
    final long startedAt = System.nanoTime();
    Object observed; // the observer's handle on this attempt
    volatile Runnable abort = () -> {};
    long firstChunkAt = -1; // guarded by the loop

    Try(Deployment deployment, CircuitBreaker.Permit permit, int number) {
      this.deployment = deployment;
      this.permit = permit;
      this.number = number;
    }

    ChatRequest requestFor(ChatRequest request) {
      return request.withModel(deployment.model());
    }
  }

  /** Starts the upstream call of {@code t}; reports through {@link #succeeded}/{@link #failed}. */
  abstract void launch(Try t, ProviderAdapter adapter);

  /** The call succeeded; runs before the outcome completes. */
  void onSucceeded(Outcome o) {}

  /** The call failed for good; runs before the outcome completes. */
  void onFailed(ProviderException decisive) {}

  final ResilientCall start() {
    outcome.whenComplete(
        (o, e) -> {
          if (outcome.isCancelled()) {
            cancel();
          }
        });
    ScheduledFuture<?> timer =
        caller
            .timer()
            .schedule(this::deadlinePassed, deadline.remaining().toNanos(), TimeUnit.NANOSECONDS);
    synchronized (this) {
      deadlineTimer = timer;
      if (finished) {
        timer.cancel(false);
      }
    }
    proceed();
    return this;
  }

  @Override
  public CompletableFuture<Outcome> outcome() {
    return outcome;
  }

  /** Calls the next deployment the plan, breakers and deadline allow, or gives up. */
  private void proceed() {
    Try t;
    synchronized (this) {
      if (finished) {
        return;
      }
      retryTimer = null;
      t = deadline.expired() ? null : pick();
      if (t != null) {
        current = t;
      }
    }
    if (t == null) {
      fail(deadline.expired() ? timeout(GATEWAY, false) : exhausted());
      return;
    }
    try {
      observer.within(t.observed, () -> launch(t, caller.adapterFor(t.deployment)));
    } catch (RuntimeException e) {
      failed(t, asProviderException(t, e));
    }
    boolean stale;
    synchronized (this) {
      stale = current != t && finished;
    }
    if (stale) {
      t.abort.run(); // given up on while launching (deadline, cancel)
    }
  }

  /** The next deployment with a breaker permit; null when the plan is spent. Holds the monitor. */
  private Try pick() {
    while (index < plan.size()) {
      Deployment d = plan.get(index);
      Optional<CircuitBreaker.Permit> permit = caller.breakers().forDeployment(d.id()).tryAcquire();
      if (permit.isPresent()) {
        if (lastTried != null && !lastTried.id().equals(d.id())) {
          LOG.info(
              () ->
                  "ROUTING-0212 falling back from "
                      + lastTried.id()
                      + " to "
                      + d.id()
                      + (lastFailure == null ? "" : " after " + lastFailure.kind()));
        }
        lastTried = d;
        triesHere++;
        Try t = new Try(d, permit.get(), attempts.size() + 1);
        t.observed = observer.started(observed, d, t.number);
        return t;
      }
      LOG.fine(() -> "ROUTING-0210 circuit open, skipping " + d.id());
      index++;
      triesHere = 0;
    }
    return null;
  }

  /** For streams: delivers a chunk of {@code t} unless the call moved on or ended. */
  final synchronized void relay(Try t, Runnable delivery) {
    if (finished || current != t) {
      return;
    }
    if (t.firstChunkAt < 0) {
      t.firstChunkAt = System.nanoTime();
    }
    relayed = true; // from here on this deployment's answer is the answer, failure included
    delivery.run();
  }

  final void succeeded(Try t, ChatResponse response) {
    Outcome o;
    synchronized (this) {
      if (finished || current != t) {
        return;
      }
      current = null;
      finished = true;
      Duration took = Duration.ofNanos(System.nanoTime() - t.startedAt);
      t.permit.onSuccess();
      caller
          .health()
          .recordSuccess(
              t.deployment.id(),
              took,
              t.firstChunkAt < 0 ? null : Duration.ofNanos(t.firstChunkAt - t.startedAt));
      attempts.add(new Attempt(t.deployment.id(), t.number, took, null));
      observer.ended(
          observed,
          t.observed,
          t.deployment,
          took.toNanos(),
          t.firstChunkAt < 0 ? -1 : t.firstChunkAt - t.startedAt,
          null,
          false);
      o =
          new Outcome(
              response,
              t.deployment,
              request.model(),
              attempts,
              !t.deployment.id().equals(plan.get(0).id()));
    }
    cancelTimers();
    onSucceeded(o);
    outcome.complete(o);
  }

  final void failed(Try t, ProviderException failure) {
    ProviderException f = failure;
    Duration delay = null;
    boolean terminal;
    synchronized (this) {
      if (finished || current != t) {
        return;
      }
      current = null;
      if (relayed) {
        f = f.withPartialOutput(true);
      }
      settleFailure(t, f);
      // A rejected request would be rejected anywhere; anything else may succeed elsewhere.
      terminal = f.partialOutput() || f.kind() == Kind.CLIENT_ERROR;
      if (!terminal) {
        delay = caller.retry().delayBeforeRetry(triesHere, f, deadline).orElse(null);
        if (delay == null) {
          index++;
          triesHere = 0;
        }
      }
    }
    if (terminal) {
      fail(f);
    } else if (delay != null) {
      Duration wait = delay;
      LOG.fine(
          () -> "ROUTING-0211 retrying " + t.deployment.id() + " in " + wait.toMillis() + "ms");
      ScheduledFuture<?> timer =
          caller.timer().schedule(this::proceed, delay.toNanos(), TimeUnit.NANOSECONDS);
      synchronized (this) {
        if (finished) {
          timer.cancel(false);
        } else if (retryTimer == null) {
          retryTimer = timer;
        }
      }
    } else {
      proceed();
    }
  }

  /** Holds the monitor. */
  private void settleFailure(Try t, ProviderException f) {
    Duration took = Duration.ofNanos(System.nanoTime() - t.startedAt);
    t.permit.onFailure(f);
    caller.health().recordFailure(t.deployment.id(), took, f);
    attempts.add(new Attempt(t.deployment.id(), t.number, took, f));
    observer.ended(observed, t.observed, t.deployment, took.toNanos(), -1, f, false);
    lastFailure = f;
  }

  /** The deadline timer: whatever is in flight is abandoned and counted as a timeout. */
  private void deadlinePassed() {
    Try abandoned;
    ProviderException timeout;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      abandoned = current;
      current = null;
      String provider = abandoned == null ? GATEWAY : abandoned.deployment.providerKind();
      timeout = timeout(provider, relayed);
      if (abandoned != null) {
        settleFailure(abandoned, timeout);
      }
    }
    if (abandoned != null) {
      LOG.info(() -> "ROUTING-0213 deadline passed, abandoning " + abandoned.deployment.id());
    }
    terminate(abandoned, timeout);
  }

  private void fail(ProviderException decisive) {
    Try abandoned;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      abandoned = current;
      current = null;
      if (abandoned != null) {
        abandoned.permit.release();
        abandon(abandoned);
      }
    }
    terminate(abandoned, decisive);
  }

  private void terminate(Try abandoned, ProviderException decisive) {
    cancelTimers();
    if (abandoned != null) {
      abandoned.abort.run();
    }
    List<Attempt> made;
    synchronized (this) {
      made = List.copyOf(attempts);
    }
    onFailed(decisive);
    outcome.completeExceptionally(new CallFailedException(decisive, request.model(), made));
  }

  @Override
  public void cancel() {
    Try abandoned;
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      abandoned = current;
      current = null;
      if (abandoned != null) {
        abandoned.permit.release(); // the client left: no verdict on the provider
        abandon(abandoned);
      }
    }
    LOG.fine(() -> "ROUTING-0214 call cancelled by the caller");
    cancelTimers();
    if (abandoned != null) {
      abandoned.abort.run();
    }
    outcome.cancel(false);
  }

  /** Holds the monitor. */
  private void abandon(Try t) {
    observer.ended(
        observed, t.observed, t.deployment, System.nanoTime() - t.startedAt, -1, null, true);
  }

  private void cancelTimers() {
    ScheduledFuture<?> retry;
    ScheduledFuture<?> expiry;
    synchronized (this) {
      retry = retryTimer;
      expiry = deadlineTimer;
      retryTimer = null;
    }
    if (retry != null) {
      retry.cancel(false);
    }
    if (expiry != null) {
      expiry.cancel(false);
    }
  }

  private synchronized ProviderException exhausted() {
    if (lastFailure != null) {
      return lastFailure;
    }
    return new ProviderException(
        Kind.SERVER_ERROR,
        GATEWAY,
        503,
        "no candidate deployment is available (circuits open)",
        null,
        false,
        null);
  }

  static ProviderException timeout(String provider, boolean partial) {
    return new ProviderException(Kind.TIMEOUT, provider, 0, "deadline passed", null, partial, null);
  }

  static ProviderException asProviderException(Try t, Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof ProviderException p) {
      return p;
    }
    String provider = t.deployment.providerKind();
    if (e instanceof CancellationException) {
      return new ProviderException(Kind.CONNECTION, provider, "upstream call cancelled", e);
    }
    // Adapters promise ProviderException only; anything else is a bug, but not the caller's.
    return new ProviderException(
        Kind.MALFORMED_RESPONSE, provider, "adapter failed: " + e.getClass().getName(), e);
  }
}

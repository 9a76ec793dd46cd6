package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Calls providers for one request: the router's candidates in order, the primary with retries,
 * deployments with an open circuit skipped, fallbacks only as far as the tenant consented, all
 * within one deadline, and cancellable when the client goes away.
 */
public final class ResilientCaller {
  private static final Logger LOG = Logger.getLogger(ResilientCaller.class.getName());

  private final Map<String, ProviderAdapter> adaptersByKind;
  private final Breakers breakers;
  private final HealthScores health;
  private final RetryPolicy retry;
  private final ScheduledExecutorService timer;
  private volatile AttemptObserver observer = AttemptObserver.NONE;

  /**
   * @param adapters one per provider kind, matched to {@link Deployment#providerKind()}
   * @param timer fires backoffs and deadlines; its tasks only start non-blocking calls
   */
  public ResilientCaller(
      Collection<? extends ProviderAdapter> adapters,
      Breakers breakers,
      HealthScores health,
      RetryPolicy retry,
      ScheduledExecutorService timer) {
    this.adaptersByKind =
        adapters.stream().collect(Collectors.toMap(ProviderAdapter::kind, Function.identity()));
    this.breakers = Objects.requireNonNull(breakers, "breakers");
    this.health = Objects.requireNonNull(health, "health");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.timer = Objects.requireNonNull(timer, "timer");
  }

  /** A complete answer from the first deployment of {@code candidates} that can give one. */
  public ResilientCall chat(
      List<Deployment> candidates,
      ChatRequest request,
      Deadline deadline,
      FallbackConsent consent) {
    return new ChatAttempts(this, plan(candidates, consent), request, deadline).start();
  }

  /**
   * Streams to {@code listener}; retries and fallbacks happen only before its first chunk. The
   * listener gets exactly one {@code onComplete} or {@code onError}, unless the call is cancelled.
   */
  public ResilientCall stream(
      List<Deployment> candidates,
      ChatRequest request,
      Deadline deadline,
      FallbackConsent consent,
      ChatStreamListener listener) {
    Objects.requireNonNull(listener, "listener");
    return new StreamAttempts(this, plan(candidates, consent), request, deadline, listener).start();
  }

  /**
   * The deployments that may serve, in order: the primary (first candidate), then the other
   * candidates {@code consent} permits, each once.
   */
  public List<Deployment> plan(List<Deployment> candidates, FallbackConsent consent) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate deployment");
    }
    Deployment primary = candidates.get(0);
    List<Deployment> plan = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Deployment d : candidates) {
      if (!adaptersByKind.containsKey(d.providerKind())) {
        throw new IllegalArgumentException(
            "no adapter for provider kind " + d.providerKind() + " of " + d.id());
      }
      if (consent.permits(primary, d) && seen.add(d.id())) {
        plan.add(d);
      }
    }
    return List.copyOf(plan);
  }

  /** Who watches the attempts (metrics, traces); {@link AttemptObserver#NONE} by default. */
  public void observeWith(AttemptObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  AttemptObserver observer() {
    return observer;
  }

  ProviderAdapter adapterFor(Deployment d) {
    return adaptersByKind.get(d.providerKind());
  }

  Breakers breakers() {
    return breakers;
  }

  HealthScores health() {
    return health;
  }

  RetryPolicy retry() {
    return retry;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  /** A daemon timer for backoffs and deadlines; one thread is plenty, its tasks are short. */
  public static ScheduledExecutorService defaultTimer() {
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "tessera-resilience-timer");
              th.setDaemon(true);
              th.setUncaughtExceptionHandler(
                  (x, e) -> LOG.log(Level.WARNING, "ROUTING-0219 resilience task failed", e));
              return th;
            });
    t.setRemoveOnCancelPolicy(true); // most deadlines are cancelled long before they fire
    keepAhead(t);
    return t;
  }

  /**
   * Keeps a no-op task due within the next second at the head of {@code timer}'s queue. A task that
   * becomes the head wakes the timer thread (a futex wake, tens of microseconds on a virtual
   * machine, paid by the scheduling thread: every call schedules its deadline from the request
   * thread before the upstream request leaves); one behind an earlier task does not. Deadlines fire
   * exactly as before; the timer thread wakes once a second more.
   */
  public static void keepAhead(ScheduledThreadPoolExecutor timer) {
    timer.scheduleAtFixedRate(() -> {}, 1, 1, TimeUnit.SECONDS);
  }
}

package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ProviderException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A breaker whose state lives in this object. Transitions are few and short, so one monitor keeps
 * them simple and correct; a closed breaker's hot path is a lock, a read and an allocation.
 */
final class LocalCircuitBreaker implements CircuitBreaker {
  private static final Logger LOG = Logger.getLogger(LocalCircuitBreaker.class.getName());

  private final String deploymentId;
  private final int threshold;
  private final long coolDownNanos;
  private final NanoClock clock;

  private CircuitState state = CircuitState.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private long probeStartedAt;
  private LocalPermit probe;

  LocalCircuitBreaker(String deploymentId, BreakerSettings settings, NanoClock clock) {
    this.deploymentId = deploymentId;
    this.threshold = settings.failureThreshold();
    this.coolDownNanos = settings.coolDown().toNanos();
    this.clock = clock;
  }

  @Override
  public synchronized Optional<Permit> tryAcquire() {
    long now = clock.nanoTime();
    switch (state) {
      case CLOSED:
        return Optional.of(new LocalPermit(false));
      case OPEN:
        if (now - openedAt < coolDownNanos) {
          return Optional.empty();
        }
        state = CircuitState.HALF_OPEN;
        return Optional.of(newProbe(now));
      default:
        // A probe is bounded by its deadline and always settled; should one leak anyway, a stale
        // probe must not wedge the breaker half-open forever.
        return now - probeStartedAt >= coolDownNanos
            ? Optional.of(newProbe(now))
            : Optional.empty();
    }
  }

  private LocalPermit newProbe(long now) {
    probeStartedAt = now;
    probe = new LocalPermit(true);
    return probe;
  }

  @Override
  public synchronized CircuitState state() {
    return state;
  }

  private synchronized void succeeded(LocalPermit permit) {
    if (permit.isProbe) {
      if (permit == probe && state == CircuitState.HALF_OPEN) {
        close();
        LOG.info(() -> "ROUTING-0202 circuit closed, probe succeeded: " + deploymentId);
      }
    } else if (state == CircuitState.CLOSED) {
      consecutiveFailures = 0;
    }
    // A late success of a call admitted before the breaker opened proves little: the probe decides.
  }

  private synchronized void failed(LocalPermit permit) {
    if (permit.isProbe) {
      if (permit == probe && state == CircuitState.HALF_OPEN) {
        open();
        LOG.warning(() -> "ROUTING-0203 circuit re-opened, probe failed: " + deploymentId);
      }
    } else if (state == CircuitState.CLOSED && ++consecutiveFailures >= threshold) {
      open();
      LOG.warning(
          () ->
              "ROUTING-0201 circuit opened after "
                  + consecutiveFailures
                  + " consecutive failures: "
                  + deploymentId);
    }
  }

  private synchronized void released(LocalPermit permit) {
    if (permit.isProbe && permit == probe && state == CircuitState.HALF_OPEN) {
      // Back to open with the cool-down already spent, so the next caller probes at once.
      state = CircuitState.OPEN;
      probe = null;
    }
  }

  private void open() {
    state = CircuitState.OPEN;
    openedAt = clock.nanoTime();
    probe = null;
  }

  private void close() {
    state = CircuitState.CLOSED;
    consecutiveFailures = 0;
    probe = null;
  }

  private final class LocalPermit implements Permit {
    private final boolean isProbe;
    private final AtomicBoolean settled = new AtomicBoolean();

    LocalPermit(boolean isProbe) {
      this.isProbe = isProbe;
    }

    @Override
    public void onSuccess() {
      if (settled.compareAndSet(false, true)) {
        succeeded(this);
      }
    }

    @Override
    public void onFailure(ProviderException failure) {
      if (settled.compareAndSet(false, true)) {
        if (CircuitBreaker.countsAgainstProvider(failure)) {
          failed(this);
        } else {
          succeeded(this); // the provider answered: it is up, whatever it thought of the request
        }
      }
    }

    @Override
    public void release() {
      if (settled.compareAndSet(false, true)) {
        released(this);
      }
    }
  }
}

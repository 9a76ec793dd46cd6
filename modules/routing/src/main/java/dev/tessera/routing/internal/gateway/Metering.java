package dev.tessera.routing.internal.gateway;

import dev.tessera.billing.api.CacheUse;
import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.HoldRequest;
import dev.tessera.billing.api.Pricing;
import dev.tessera.billing.api.ServedUsage;
import dev.tessera.billing.api.TokenCounts;
import dev.tessera.routing.api.CacheStatus;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.Usage;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The gateway's side of billing: a priced call holds its worst case before the provider is called
 * and settles (or releases) exactly once after; answers that spend nothing up front (cache hits,
 * the free built-in models) are charged and recorded in one transaction.
 */
@ApplicationScoped
public class Metering {
  private static final Logger LOG = Logger.getLogger(Metering.class.getName());

  @Inject CreditLedger ledger;
  @Inject Pricing pricing;

  /** How long past the request's deadline a hold may stay open before the reaper releases it. */
  @Inject
  @ConfigProperty(name = "tessera.billing.reservation-grace", defaultValue = "PT30S")
  String reservationGrace;

  private Duration grace;

  @PostConstruct
  void parseSettings() {
    grace = Duration.parse(reservationGrace);
  }

  /** One request's hold: settled or released once, whatever races. */
  final class Meter {
    private final GatewayCall call;
    private final CatalogModel requested;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Meter(GatewayCall call, CatalogModel requested) {
      this.call = call;
      this.requested = requested;
    }

    /**
     * Charges what the served model used (fallback pricing applied) and releases the rest. The
     * answer exists by now: if the ledger cannot be reached it is still returned, and the hold is
     * released by the reaper once it expires (the call goes uncharged, never charged twice).
     * Answers what the ledger charged (0 when the hold had already ended), null when unknown.
     */
    Long settle(CatalogModel served, Usage usage, CacheStatus cache) {
      if (closed.compareAndSet(false, true)) {
        try {
          ServedUsage used = served(requested, served, usage, cache);
          return ledger.settle(call.tenant(), call.tier(), call.requestId(), used).charged();
        } catch (RuntimeException e) {
          LOG.log(Level.SEVERE, "ROUTING-0603 settle failed; the reaper will release the hold", e);
          return null;
        }
      }
      return 0L;
    }

    /** The call failed before producing anything: the whole hold goes back. */
    void release(String reason) {
      if (closed.compareAndSet(false, true)) {
        try {
          ledger.release(call.tenant(), call.requestId(), reason);
        } catch (RuntimeException e) {
          // the reaper releases it once it expires
          LOG.log(Level.WARNING, "ROUTING-0601 release failed; the reaper will release it", e);
        }
      }
    }
  }

  /**
   * A call's charge from before its provider is asked until it answered, the one place the hold →
   * call → release → settle sequence is written: a priced primary holds its worst case first (a
   * free one holds nothing); {@link #call} releases the hold when the call throws; {@link #settle}
   * charges what was served (the hold's settle, or one charge when nothing was held); {@link
   * #release} gives the hold back (a refused answer, a stream that produced nothing).
   */
  final class Charge {
    private final GatewayCall call;
    private final CatalogModel requested;
    private final Meter meter; // null when the primary is free

    private Charge(GatewayCall call, CatalogModel requested, Meter meter) {
      this.call = call;
      this.requested = requested;
      this.meter = meter;
    }

    /** True when credits were held for the call. */
    boolean holds() {
      return meter != null;
    }

    /** Runs the upstream call; when it throws, the hold goes back before the failure travels on. */
    <T> T call(Supplier<T> upstream) {
      try {
        return upstream.get();
      } catch (RuntimeException failed) {
        release("the call failed: " + failed.getClass().getSimpleName());
        throw failed;
      }
    }

    /** Charges what {@code served} used; answers the charge (null when the ledger is unknown). */
    Long settle(CatalogModel served, Usage usage, CacheStatus cache) {
      return meter != null
          ? meter.settle(served, usage, cache)
          : Long.valueOf(chargeNow(call, requested, served, usage, cache));
    }

    void release(String reason) {
      if (meter != null) {
        meter.release(reason);
      }
    }
  }

  /** Opens the charge of a call to {@code primary} (402 when the credits cannot cover it). */
  Charge open(GatewayCall call, CatalogModel primary, long inputTokens, long maxOutputTokens) {
    return new Charge(
        call,
        primary,
        primary.price().isFree() ? null : hold(call, primary, inputTokens, maxOutputTokens));
  }

  /** Holds the worst case of a call to {@code requested} (402 when the credits cannot cover it). */
  private Meter hold(
      GatewayCall call, CatalogModel requested, long inputTokens, long maxOutputTokens) {
    ledger.reserve(holdRequest(call, requested, inputTokens, maxOutputTokens));
    return new Meter(call, requested);
  }

  /**
   * Charges an answer whose usage is known and nothing was spent for it yet, in one go; free ones
   * (built-in models, free cache hits) are recorded off the request path. Answers the charge: the
   * ledger prices it with the same {@link Pricing}, and a priced charge is taken in full or not at
   * all (it holds at least that much first).
   */
  long chargeNow(
      GatewayCall call,
      CatalogModel requested,
      CatalogModel served,
      Usage usage,
      CacheStatus cache) {
    Usage known = usage == null ? Usage.NONE : usage;
    ServedUsage used = served(requested, served, known, cache);
    ledger.meter(
        holdRequest(call, requested, known.promptTokens(), known.completionTokens()), used);
    // the lower of the two prices applies, so a free model on either side costs nothing
    return requested.price().isFree() || served.price().isFree()
        ? 0
        : pricing.cost(call.tier(), used);
  }

  private static ServedUsage served(
      CatalogModel requested, CatalogModel served, Usage usage, CacheStatus cache) {
    return new ServedUsage(
        served.name(), served.price(), requested.price(), tokens(usage), cacheUse(cache));
  }

  private HoldRequest holdRequest(
      GatewayCall call, CatalogModel requested, long inputTokens, long maxOutputTokens) {
    Instant expires = Instant.now().plus(call.deadline().remaining()).plus(grace);
    return new HoldRequest(
        call.tenant(),
        call.tier(),
        call.requestId(),
        call.keyId(),
        call.tag(),
        requested.name(),
        requested.price(),
        inputTokens,
        maxOutputTokens,
        expires);
  }

  static TokenCounts tokens(Usage u) {
    return u == null
        ? TokenCounts.NONE
        : new TokenCounts(u.promptTokens(), u.completionTokens(), u.cachedTokens());
  }

  static CacheUse cacheUse(CacheStatus c) {
    return switch (c) {
      case HIT -> CacheUse.HIT;
      case SEMANTIC -> CacheUse.SEMANTIC;
      default -> CacheUse.MISS;
    };
  }
}

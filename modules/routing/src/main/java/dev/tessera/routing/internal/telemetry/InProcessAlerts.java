package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.internal.resilience.CircuitState;
import dev.tessera.routing.internal.resilience.HealthScore;
import dev.tessera.tenancy.api.ComputeLanes;
import dev.tessera.tenancy.api.DatabasePools;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Alerts Tessera sends itself, for installations without Prometheus Alertmanager: every
 * TESSERA_ALERTS_INTERVAL this instance checks its breakers, provider error rates, ledger
 * reconciliations and lanes, and pages PagerDuty (TESSERA_ALERTS_PAGERDUTY_ROUTING_KEY) and/or a
 * signed webhook (TESSERA_ALERTS_WEBHOOK_URL with TESSERA_ALERTS_WEBHOOK_SECRET) on each change:
 * trigger when a condition starts, resolve when it clears. Off unless a receiver is configured.
 */
@ApplicationScoped
public class InProcessAlerts {
  private static final Logger LOG = Logger.getLogger(InProcessAlerts.class.getName());

  @Inject AttemptTelemetry attempts;
  @Inject LedgerWatch ledger;
  @Inject ComputeLanes lanes;
  @Inject DatabasePools pools;
  @Inject WebhookTargets targets;

  @Inject
  @ConfigProperty(name = "tessera.alerts.pagerduty.routing-key")
  Optional<String> pagerDutyKey;

  @Inject
  @ConfigProperty(
      name = "tessera.alerts.pagerduty.url",
      defaultValue = "https://events.pagerduty.com/v2/enqueue")
  String pagerDutyUrl;

  @Inject
  @ConfigProperty(name = "tessera.alerts.webhook.url")
  Optional<String> webhookUrl;

  @Inject
  @ConfigProperty(name = "tessera.alerts.webhook.secret")
  Optional<String> webhookSecret;

  @Inject
  @ConfigProperty(name = "tessera.alerts.interval", defaultValue = "PT15S")
  String interval;

  /** A deployment's attempts failing at least this share (of at least 10 calls) alerts. */
  static final double PROVIDER_ERROR_RATE = 0.5;

  /** Rounds in a row a pool kind must be saturated before it alerts (a minute at PT15S). */
  static final int POOL_ROUNDS = 4;

  private final java.util.Map<String, Integer> poolRounds = new java.util.HashMap<>();
  private ScheduledExecutorService timer;
  private AlertDelivery delivery;

  void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
    List<AlertDelivery.Receiver> receivers = new ArrayList<>();
    pagerDutyKey
        .filter(k -> !k.isBlank())
        .ifPresent(
            k ->
                receivers.add(
                    AlertReceivers.pagerDuty(URI.create(pagerDutyUrl), k, targets::deliverable)));
    if (webhookUrl.filter(u -> !u.isBlank()).isPresent()) {
      String secret = webhookSecret.orElse("");
      if (secret.isBlank()) {
        LOG.warning(
            "OBS-0012 TESSERA_ALERTS_WEBHOOK_URL needs TESSERA_ALERTS_WEBHOOK_SECRET (whsec_…): webhook alerts off");
      } else {
        URI url = targets.check("TESSERA_ALERTS_WEBHOOK_URL", webhookUrl.get());
        receivers.add(AlertReceivers.webhook(url, secret, targets::deliverable));
      }
    }
    if (receivers.isEmpty()) {
      return;
    }
    delivery = new AlertDelivery(receivers);
    long every = Duration.parse(interval).toMillis();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tessera-alerts");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::round, every, every, TimeUnit.MILLISECONDS);
    LOG.info(
        "OBS-0013 in-process alerts on, every "
            + interval
            + ", to "
            + receivers.size()
            + " receiver(s)");
  }

  private void round() {
    try {
      delivery.round(firing());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "OBS-0014 alert round failed", e);
    }
  }

  /** The conditions that hold on this instance now. */
  List<AlertDelivery.Alert> firing() {
    List<AlertDelivery.Alert> now = new ArrayList<>();
    for (AttemptTelemetry.Watched w : attempts.deployments()) {
      String id = w.deployment().id();
      if (w.breakers().forDeployment(id).state() != CircuitState.CLOSED) {
        now.add(
            new AlertDelivery.Alert(
                "tessera/breaker-open/" + id,
                "Circuit breaker of " + id + " is open: its calls go to fallbacks or fail",
                "page",
                id));
      }
      HealthScore h = w.health().scoreOf(id);
      if (h.calls() >= 10 && h.errorRate() >= PROVIDER_ERROR_RATE) {
        now.add(
            new AlertDelivery.Alert(
                "tessera/provider-errors/" + id,
                Math.round(h.errorRate() * 100)
                    + "% of the last "
                    + h.calls()
                    + " calls to "
                    + id
                    + " failed",
                "ticket",
                id));
      }
    }
    ledger
        .drift()
        .forEach(
            (tenant, drift) ->
                now.add(
                    new AlertDelivery.Alert(
                        "tessera/ledger-drift/" + tenant,
                        "Credits ledger of tenant "
                            + tenant
                            + " drifted by "
                            + drift
                            + " micro-credits from its events (repaired; see BILL-0020)",
                        "page",
                        "billing")));
    if (ledger.failing()) {
      now.add(
          new AlertDelivery.Alert(
              "tessera/reconcile-failing",
              "Ledger reconciliation is failing on this instance",
              "ticket",
              "billing"));
    }
    if (lanes.interactiveLoad() > 0.9) {
      now.add(
          new AlertDelivery.Alert(
              "tessera/lane-saturated",
              "An interactive compute lane is over 90 % full",
              "ticket",
              "lanes"));
    }
    poolSaturation(now);
    return now;
  }

  /**
   * A connection pool kind at 90 % or more in use, or with callers waiting for a connection, for
   * {@link #POOL_ROUNDS} rounds in a row (one busy moment is not an outage).
   */
  private void poolSaturation(List<AlertDelivery.Alert> now) {
    java.util.Set<String> saturated = new java.util.HashSet<>();
    for (DatabasePools.PoolUsage u : pools.usage()) {
      if (PoolGauges.saturated(u)) {
        saturated.add(u.pool());
        int rounds = poolRounds.merge(u.pool(), 1, Integer::sum);
        if (rounds >= POOL_ROUNDS) {
          now.add(
              new AlertDelivery.Alert(
                  "tessera/db-pool-saturated/" + u.pool(),
                  "The "
                      + u.pool()
                      + " database connection pool is saturated ("
                      + u.active()
                      + " of "
                      + u.max()
                      + " connections in use, "
                      + u.waiting()
                      + " callers waiting)",
                  "ticket",
                  "database"));
        }
      }
    }
    poolRounds.keySet().retainAll(saturated);
  }

  @PreDestroy
  void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}

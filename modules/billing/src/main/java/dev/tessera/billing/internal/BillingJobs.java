package dev.tessera.billing.internal;

import dev.tessera.billing.api.BillingOperations;
import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.Reconciliation;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.PlatformStatus;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Billing's background duties on every instance (each step is safe to run concurrently, since the
 * database decides): release holds whose requests died, deliver budget alerts to their webhooks,
 * and reconcile every tenant's projection against its events.
 */
@ApplicationScoped
public class BillingJobs implements BillingOperations {
  private static final Logger LOG = Logger.getLogger(BillingJobs.class.getName());

  @Inject CreditLedger ledger;
  @Inject Tenants tenants;
  @Inject TenantData data;
  @Inject PlatformStatus status;
  @Inject AlertDelivery alerts;
  @Inject CreditLeases leases;

  @Inject
  @ConfigProperty(name = "tessera.billing.reaper-interval", defaultValue = "PT15S")
  String reaperInterval;

  @Inject
  @ConfigProperty(name = "tessera.billing.reconcile-interval", defaultValue = "PT1H")
  String reconcileInterval;

  private ScheduledExecutorService scheduler;

  void onStart(@Observes @Priority(200) @Initialized(ApplicationScoped.class) Object ignored) {
    if (!status.ready()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tessera-billing-jobs");
              t.setDaemon(true);
              return t;
            });
    long reap = Duration.parse(reaperInterval).toMillis();
    long reconcile = Duration.parse(reconcileInterval).toMillis();
    scheduler.scheduleWithFixedDelay(this::reapExpired, reap, reap, TimeUnit.MILLISECONDS);
    scheduler.scheduleWithFixedDelay(
        this::reconcileAll, reconcile, reconcile, TimeUnit.MILLISECONDS);
  }

  /**
   * Releases expired holds and delivers pending budget alerts, visiting only the tenants that have
   * such work due (asked of every database at once, ids only).
   */
  @Override
  public int reapExpired() {
    AtomicLong released = new AtomicLong();
    leases.closeIdle(); // this instance's unused leases give their credit back
    try {
      Set<TenantId> due = new LinkedHashSet<>();
      data.inEveryDatabase(BillingJobs::tenantsDue).forEach(due::addAll);
      for (TenantId t : due) {
        try {
          released.addAndGet(ledger.reapExpired(t));
          alerts.deliverPending(t);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "BILL-0030 billing job failed for tenant " + t, e);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "BILL-0031 reaper run failed", e);
    }
    if (released.get() > 0) {
      LOG.info("BILL-0010 released " + released.get() + " expired holds");
    }
    return (int) released.get();
  }

  private static List<TenantId> tenantsDue(Connection c) throws SQLException {
    List<TenantId> out = new ArrayList<>();
    try (PreparedStatement ps =
            c.prepareStatement("SELECT tessera_meta.billing_tenants_due(1000)");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new TenantId((UUID) rs.getObject(1)));
      }
    }
    return out;
  }

  /** Checks every tenant's balances against its events; drift is counted, logged and repaired. */
  @Override
  public int reconcileAll() {
    AtomicLong repaired = new AtomicLong();
    forEachTenant(
        t -> {
          Reconciliation r = ledger.reconcile(t);
          if (r.repaired()) {
            repaired.incrementAndGet();
          }
        });
    return (int) repaired.get();
  }

  private void forEachTenant(Consumer<TenantId> work) {
    try {
      String cursor = null;
      do {
        Page<TenantView> page = tenants.list(PageRequest.of(cursor, PageRequest.MAX_SIZE));
        for (TenantView v : page.items()) {
          if (v.status() == TenantStatus.PURGED) {
            continue;
          }
          try {
            work.accept(v.id());
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "BILL-0030 billing job failed for tenant " + v.id(), e);
          }
        }
        cursor = page.nextCursor();
      } while (cursor != null);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "BILL-0032 billing job run failed", e);
    }
  }

  @PreDestroy
  void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}

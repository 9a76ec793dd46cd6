package dev.tessera.governance.internal;

import dev.tessera.tenancy.api.PlatformStatus;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
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
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Governance's background duties on every instance: sign a checkpoint of every audit chain that
 * grew since its last one, and purge decisions past their tenant's retention (both safe to run on
 * several instances at once).
 */
@ApplicationScoped
public class GovernanceJobs {
  private static final Logger LOG = Logger.getLogger(GovernanceJobs.class.getName());

  @Inject TenantData data;
  @Inject PlatformStatus status;
  @Inject DefaultAuditLog audit;
  @Inject DefaultDecisionLog decisions;

  @Inject
  @ConfigProperty(name = "tessera.decisions.purge-interval", defaultValue = "PT1H")
  String purgeInterval;

  @Inject
  @ConfigProperty(name = "tessera.audit.checkpoint-interval", defaultValue = "PT1M")
  String checkpointInterval;

  private ScheduledExecutorService scheduler;

  void onStart(@Observes @Priority(210) @Initialized(ApplicationScoped.class) Object ignored) {
    if (!status.ready()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tessera-governance-jobs");
              t.setDaemon(true);
              return t;
            });
    long every = Duration.parse(checkpointInterval).toMillis();
    scheduler.scheduleWithFixedDelay(this::checkpointAll, every, every, TimeUnit.MILLISECONDS);
    long purge = Duration.parse(purgeInterval).toMillis();
    scheduler.scheduleWithFixedDelay(this::purgeDecisions, purge, purge, TimeUnit.MILLISECONDS);
  }

  /** Signs a checkpoint of each chain that grew since its last one; answers how many. */
  public int checkpointAll() {
    int signed = 0;
    try {
      Set<TenantId> due = new LinkedHashSet<>();
      data.inEveryDatabase(GovernanceJobs::tenantsDue).forEach(due::addAll);
      for (TenantId t : due) {
        try {
          audit.checkpoint(t);
          signed++;
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "GOV-0010 audit checkpoint failed for tenant " + t, e);
        }
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "GOV-0011 audit checkpoint run failed", e);
    }
    return signed;
  }

  /** Removes decisions past their tenant's retention. */
  void purgeDecisions() {
    try {
      decisions.purgeExpired();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "GOV-0012 decision purge failed", e);
    }
  }

  private static List<TenantId> tenantsDue(Connection c) throws SQLException {
    List<TenantId> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT tessera_meta.audit_tenants_due(1000)");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new TenantId((UUID) rs.getObject(1)));
      }
    }
    return out;
  }

  @PreDestroy
  void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}

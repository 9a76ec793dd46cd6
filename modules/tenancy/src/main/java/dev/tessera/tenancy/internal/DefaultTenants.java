package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NewTenant;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantPatch;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.Tier;
import dev.tessera.tenancy.api.TierMoveReport;
import dev.tessera.tenancy.api.TierMoveStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Logger;
import org.hibernate.Session;
import org.hibernate.Transaction;

/** The tenant directory, backed by the platform catalog in the shared database. */
@ApplicationScoped
public class DefaultTenants implements Tenants {
  private static final Logger LOG = Logger.getLogger(DefaultTenants.class.getName());

  @Inject DataLayerStartup platform;
  @Inject PlatformSettings settings;
  @Inject TenantPlacements placements;
  @Inject TierMover mover;

  @Override
  public TenantView create(NewTenant request) {
    Validation.required("body", request);
    String slug = Validation.slug(request.slug());
    String name = Validation.text("name", request.name(), 200);
    Tier tier = request.tier() == null ? Tier.STANDARD : request.tier();
    TenantId id = new TenantId(UUID.randomUUID());
    if (inCatalog(
            s ->
                s.createQuery("select count(t) from TenantRecord t where t.slug = :s", Long.class)
                    .setParameter("s", slug)
                    .getSingleResult())
        > 0) {
      throw new ConflictException("A tenant with slug '" + slug + "' already exists.");
    }
    String database = tier.hasOwnDatabase() ? TierMover.dedicatedName(id) : null;
    String home = database == null ? platform.server().sharedDatabase() : database;
    try {
      if (database != null) {
        platform.server().createDatabaseIfMissing(database);
        platform.migrations().migrateTenantSchema(database);
      }
      markResident(home, id);
      TenantRecord r = new TenantRecord();
      r.id = id.value();
      r.slug = slug;
      r.name = name;
      r.tier = tier;
      r.status = TenantStatus.ACTIVE;
      r.databaseName = database;
      r.placementVersion = 1;
      r.setLimits(request.limits() == null ? settings.defaultLimits() : request.limits());
      r.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
      r.updatedAt = r.createdAt;
      inCatalog(
          s -> {
            s.persist(r);
            return null;
          });
      LOG.info("TENANCY-0060 tenant " + id + " created on tier " + tier);
      return r.toView();
    } catch (RuntimeException | SQLException e) {
      undoCreate(id, database, home);
      if (e instanceof RuntimeException re) {
        throw TenantTransactions.translate(re);
      }
      throw new IllegalStateException("TENANCY-0061 cannot create tenant", e);
    }
  }

  private void markResident(String database, TenantId id) throws SQLException {
    try (var c = platform.pools().forDatabase(database).getConnection()) {
      c.setAutoCommit(false);
      TenantTables.pin(c, id.value());
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO public.tenant_residency (tenant_id, active) VALUES (?, true)")) {
        ps.setObject(1, id.value());
        ps.executeUpdate();
      }
      c.commit();
      c.setAutoCommit(true);
    }
  }

  private void undoCreate(TenantId id, String database, String home) {
    try {
      if (database != null) {
        platform.pools().closeDatabase(database);
        platform.server().dropDatabase(database);
      } else {
        mover.purge(home, id);
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warning("TENANCY-0062 cleanup after failed create of " + id + ": " + e.getMessage());
    }
  }

  @Override
  public Optional<TenantView> find(TenantId id) {
    return Optional.ofNullable(inCatalog(s -> s.find(TenantRecord.class, id.value())))
        .filter(r -> r.status != TenantStatus.PURGED)
        .map(TenantRecord::toView);
  }

  @Override
  public Optional<TenantView> findBySlug(String slug) {
    if (slug == null || slug.isBlank()) {
      return Optional.empty();
    }
    return inCatalog(
            s ->
                s.createQuery(
                        "from TenantRecord t where t.slug = :s and t.status <> :purged",
                        TenantRecord.class)
                    .setParameter("s", slug.strip().toLowerCase(java.util.Locale.ROOT))
                    .setParameter("purged", TenantStatus.PURGED)
                    .uniqueResultOptional())
        .map(TenantRecord::toView);
  }

  @Override
  public Page<TenantView> list(PageRequest page) {
    return inCatalog(
        s ->
            Pages.of(
                Pages.fetch(
                    s,
                    TenantRecord.class,
                    "e.status <> :purged",
                    Map.of("purged", TenantStatus.PURGED),
                    page),
                page.size(),
                TenantRecord::toView,
                r -> r.createdAt,
                r -> r.id));
  }

  @Override
  public TenantLimits defaultLimits() {
    return settings.defaultLimits();
  }

  @Override
  public TenantView update(TenantId id, TenantPatch patch) {
    Validation.required("body", patch);
    String name = patch.name() == null ? null : Validation.text("name", patch.name(), 200);
    if (patch.status() == TenantStatus.PURGED) {
      throw InvalidInputException.field("status", "PURGED is reached only through DELETE");
    }
    TenantView view =
        inCatalog(
            s -> {
              TenantRecord r = live(s, id);
              if (name != null) {
                r.name = name;
              }
              if (patch.limits() != null) {
                r.setLimits(patch.limits());
              }
              if (patch.status() != null && patch.status() != r.status) {
                r.status = patch.status();
                r.suspendedAt = r.status == TenantStatus.SUSPENDED ? Instant.now() : null;
                r.purgeAfter = null;
              }
              r.updatedAt = Instant.now();
              return r.toView();
            });
    placements.invalidate(id);
    return view;
  }

  @Override
  public TenantView delete(TenantId id) {
    TenantView view =
        inCatalog(
            s -> {
              TenantRecord r = live(s, id);
              if (r.status != TenantStatus.SUSPENDED || r.purgeAfter == null) {
                r.status = TenantStatus.SUSPENDED;
                r.suspendedAt = Instant.now();
                r.purgeAfter = r.suspendedAt.plus(settings.purgeGrace());
                r.updatedAt = r.suspendedAt;
              }
              return r.toView();
            });
    placements.invalidate(id);
    return view;
  }

  @Override
  public TierMoveReport changeTier(TenantId id, Tier target) {
    Validation.required("tier", target);
    get(id);
    return mover.move(id, target);
  }

  @Override
  public Optional<TierMoveStatus> latestTierMove(TenantId id) {
    get(id);
    return mover.latest(id);
  }

  /** Purges tenants whose grace period has passed: their rows, their database, then the mark. */
  int purgeExpired() {
    List<TenantRecord> due =
        inCatalog(
            s ->
                s.createQuery(
                        "from TenantRecord t where t.status = :s and t.purgeAfter < :now",
                        TenantRecord.class)
                    .setParameter("s", TenantStatus.SUSPENDED)
                    .setParameter("now", Instant.now())
                    .setMaxResults(100)
                    .list());
    for (TenantRecord r : due) {
      TenantId id = new TenantId(r.id);
      try {
        if (r.databaseName != null) {
          platform.pools().closeDatabase(r.databaseName);
          platform.server().dropDatabase(r.databaseName);
        } else {
          mover.purge(platform.server().sharedDatabase(), id);
        }
        inCatalog(
            s -> {
              TenantRecord fresh = s.find(TenantRecord.class, r.id);
              fresh.status = TenantStatus.PURGED;
              fresh.databaseName = null;
              fresh.updatedAt = Instant.now();
              return null;
            });
        placements.invalidate(id);
        LOG.info("TENANCY-0063 tenant " + id + " purged after its grace period");
      } catch (SQLException | RuntimeException e) {
        LOG.warning("TENANCY-0064 purge of " + id + " failed, will retry: " + e.getMessage());
      }
    }
    return due.size();
  }

  private static TenantRecord live(Session s, TenantId id) {
    TenantRecord r = s.find(TenantRecord.class, id.value());
    if (r == null || r.status == TenantStatus.PURGED) {
      throw new NotFoundException("tenant", id);
    }
    return r;
  }

  private <T> T inCatalog(Function<Session, T> work) {
    try (Session s = platform.store().open(platform.server().sharedDatabase())) {
      Transaction tx = s.beginTransaction();
      try {
        T result = work.apply(s);
        tx.commit();
        return result;
      } catch (RuntimeException e) {
        if (tx.isActive()) {
          tx.rollback();
        }
        throw TenantTransactions.translate(e);
      }
    }
  }
}

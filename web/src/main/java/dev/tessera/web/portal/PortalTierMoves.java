package dev.tessera.web.portal;

import dev.tessera.governance.api.Actor;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.Tier;
import dev.tessera.tenancy.api.TierMoveReport;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tier moves started from the portal run in the background, so the operator's page can show how far
 * each has got (the mover records it; {@link Tenants#latestTierMove}) instead of a request that
 * hangs until the copy is done. What a finished move refused or reported is kept here for the page
 * to pick up once; the audit entry is written when the move ends, with the operator who started it.
 */
@ApplicationScoped
public class PortalTierMoves {
  private static final Logger LOG = Logger.getLogger(PortalTierMoves.class.getName());

  @Resource ManagedExecutorService executor;
  @Inject Tenants tenants;
  @Inject PortalAudit audit;

  /** The portal's moves not yet picked up by a page: running, or finished with their outcome. */
  private final Map<TenantId, CompletableFuture<TierMoveReport>> moves = new ConcurrentHashMap<>();

  /**
   * Starts a move in the background.
   *
   * @return false if the portal already runs a move of this tenant
   */
  boolean start(TenantId tenant, Tier target, Actor actor) {
    CompletableFuture<TierMoveReport> move = new CompletableFuture<>();
    // a finished move nobody picked up (its page was left) gives way to the new one
    CompletableFuture<TierMoveReport> previous =
        moves.compute(tenant, (t, old) -> old == null || old.isDone() ? move : old);
    if (previous != move) {
      return false;
    }
    try {
      executor.execute(() -> run(tenant, target, actor, move));
    } catch (RuntimeException e) {
      moves.remove(tenant, move);
      throw e;
    }
    return true;
  }

  private void run(
      TenantId tenant, Tier target, Actor actor, CompletableFuture<TierMoveReport> move) {
    try {
      TierMoveReport report = tenants.changeTier(tenant, target);
      LOG.info("WEB-0310 portal change: tier move of " + tenant + " to " + target);
      audit.change(
          tenant,
          actor,
          "tier.create",
          "tier",
          tenant.toString(),
          Map.of("tier", report.from().toString()),
          Map.of("tier", report.to().toString()));
      move.complete(report);
    } catch (TesseraException e) {
      move.completeExceptionally(e);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "WEB-0312 portal tier move of " + tenant + " failed", e);
      move.completeExceptionally(e);
    }
  }

  /** Whether the portal is moving this tenant now. */
  boolean running(TenantId tenant) {
    CompletableFuture<TierMoveReport> move = moves.get(tenant);
    return move != null && !move.isDone();
  }

  /**
   * A finished move's outcome, once: the report, or the refusal's message as the exception. Empty
   * while it runs or when the portal started none.
   */
  Optional<CompletableFuture<TierMoveReport>> takeFinished(TenantId tenant) {
    CompletableFuture<TierMoveReport> move = moves.get(tenant);
    if (move == null || !move.isDone() || !moves.remove(tenant, move)) {
      return Optional.empty();
    }
    return Optional.of(move);
  }
}

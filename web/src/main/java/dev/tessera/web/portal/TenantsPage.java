package dev.tessera.web.portal;

import dev.tessera.tenancy.api.NewTenant;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.Tier;
import dev.tessera.tenancy.api.TierMoveReport;
import dev.tessera.tenancy.api.TierMoveStatus;
import dev.tessera.web.sso.KeycloakDirectory;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.logging.Logger;

/**
 * The operator's tenants: the list, a new tenant, and tier moves, which run in the background while
 * the page shows their progress and then what they did.
 */
@Named
@ViewScoped
public class TenantsPage implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(TenantsPage.class.getName());

  @Inject PortalAccess access;
  @Inject Tenants tenants;
  @Inject KeycloakDirectory directory;
  @Inject PortalAudit audit;
  @Inject PortalTierMoves moves;

  private List<TenantView> list = List.of();
  private String denied;
  private String slug;
  private String name;
  private Tier tier = Tier.STANDARD;
  private String adminEmail;
  private String moving;
  private String movingSlug;
  private String progress;
  private String outcome;
  private boolean outcomeFailed;

  public void load() {
    try {
      access.requireOperator();
      refresh();
    } catch (PortalDenied d) {
      denied = d.getMessage();
      FacesContext.getCurrentInstance().getExternalContext().setResponseStatus(d.status());
    }
  }

  private void refresh() {
    list = tenants.list(PageRequest.of(null, 100)).items();
  }

  public void create() {
    try {
      access.requireOperator();
      TenantView t = tenants.create(new NewTenant(slug, name, tier, null));
      directory.tenantCreated(t, adminEmail);
      LOG.info("WEB-0310 portal change: tenant created " + t.id() + " by operator");
      audit.change(
          t.id(),
          access.user(),
          access.http(),
          "tenant.create",
          "tenant",
          t.id().toString(),
          null,
          t);
      message(FacesMessage.SEVERITY_INFO, "Tenant " + t.slug() + " created.");
      slug = null;
      name = null;
      adminEmail = null;
      refresh();
    } catch (PortalDenied | TesseraException e) {
      message(FacesMessage.SEVERITY_ERROR, e.getMessage());
    }
  }

  /** Starts a tier move in the background; the page then shows how far it has got. */
  public void changeTier(String tenantId, String target) {
    try {
      access.requireOperator();
      TenantId id = new TenantId(UUID.fromString(tenantId));
      Tier to = Tier.valueOf(target);
      TenantView t = tenants.get(id);
      if (t.tier() == to) {
        message(FacesMessage.SEVERITY_INFO, t.slug() + " is on " + to + " already.");
        return;
      }
      if (!moves.start(id, to, PortalAudit.actor(access.user(), access.http()))) {
        message(FacesMessage.SEVERITY_ERROR, "A move of " + t.slug() + " is running already.");
      }
      moving = tenantId;
      movingSlug = t.slug();
      outcome = null;
      poll();
    } catch (PortalDenied | TesseraException e) {
      message(FacesMessage.SEVERITY_ERROR, e.getMessage());
    } catch (IllegalArgumentException e) {
      message(FacesMessage.SEVERITY_ERROR, "No such tier or tenant.");
    }
  }

  /** While a move runs: its progress; once it ended: what it did, and the list refreshed. */
  public void poll() {
    if (moving == null) {
      return;
    }
    try {
      access.requireOperator();
    } catch (PortalDenied d) {
      moving = null;
      return;
    }
    TenantId id = new TenantId(UUID.fromString(moving));
    Optional<CompletableFuture<TierMoveReport>> finished = moves.takeFinished(id);
    if (finished.isPresent()) {
      try {
        finished.get().join();
        outcome =
            movingSlug
                + ": "
                + tenants.latestTierMove(id).map(TierMoveStatus::describe).orElse("moved.");
        outcomeFailed = false;
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        outcome =
            movingSlug
                + ": "
                + (cause instanceof TesseraException ? cause.getMessage() : "the move failed.");
        outcomeFailed = true;
      }
      moving = null;
      progress = null;
      refresh();
      return;
    }
    Optional<TierMoveStatus> last = tenants.latestTierMove(id);
    if (!moves.running(id) && last.isPresent() && !last.get().running()) {
      // started on another instance, or this one restarted: the catalog still tells how it went
      outcome = movingSlug + ": " + last.get().describe();
      outcomeFailed = last.get().state().equals("FAILED");
      moving = null;
      progress = null;
      refresh();
      return;
    }
    progress =
        movingSlug
            + ": "
            + last.filter(TierMoveStatus::running)
                .map(TierMoveStatus::describe)
                .orElse("starting the move…");
  }

  public boolean isMoving() {
    return moving != null;
  }

  public String getProgress() {
    return progress;
  }

  public String getOutcome() {
    return outcome;
  }

  public boolean isOutcomeFailed() {
    return outcomeFailed;
  }

  private static void message(FacesMessage.Severity severity, String text) {
    FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, null));
  }

  public boolean isSso() {
    return directory.enabled();
  }

  public String getAdminEmail() {
    return adminEmail;
  }

  public void setAdminEmail(String adminEmail) {
    this.adminEmail = adminEmail;
  }

  public Tier[] getTiers() {
    return Tier.values();
  }

  /** Operator pages are about no single tenant. */
  public String getTenantId() {
    return null;
  }

  public Object getTenantView() {
    return null;
  }

  public boolean isDenied() {
    return denied != null;
  }

  public String getDeniedMessage() {
    return denied;
  }

  public List<TenantView> getList() {
    return list;
  }

  public String getSlug() {
    return slug;
  }

  public void setSlug(String slug) {
    this.slug = slug;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Tier getTier() {
    return tier;
  }

  public void setTier(Tier tier) {
    this.tier = tier;
  }
}

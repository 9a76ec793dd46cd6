package dev.tessera.web.portal;

import dev.tessera.tenancy.api.NewTenant;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.Tier;
import dev.tessera.tenancy.api.TierMoveReport;
import dev.tessera.web.sso.KeycloakDirectory;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/** The operator's tenants: the list, a new tenant, and tier moves (which report what they did). */
@Named
@ViewScoped
public class TenantsPage implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(TenantsPage.class.getName());

  @Inject PortalAccess access;
  @Inject Tenants tenants;
  @Inject KeycloakDirectory directory;
  @Inject PortalAudit audit;

  private List<TenantView> list = List.of();
  private String denied;
  private String slug;
  private String name;
  private Tier tier = Tier.STANDARD;
  private String adminEmail;

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

  public void changeTier(String tenantId, String target) {
    try {
      access.requireOperator();
      TenantId id = new TenantId(UUID.fromString(tenantId));
      TierMoveReport report = tenants.changeTier(id, Tier.valueOf(target));
      LOG.info("WEB-0310 portal change: tier move of " + tenantId + " to " + target);
      audit.change(
          id,
          access.user(),
          access.http(),
          "tier.create",
          "tier",
          tenantId,
          java.util.Map.of("tier", report.from().toString()),
          java.util.Map.of("tier", report.to().toString()));
      message(
          FacesMessage.SEVERITY_INFO,
          "Moved from "
              + report.from()
              + " to "
              + report.to()
              + ": "
              + report.tables().size()
              + " tables copied and verified, writes held for "
              + report.writesHeldFor().toMillis()
              + " ms.");
      refresh();
    } catch (PortalDenied | TesseraException e) {
      message(FacesMessage.SEVERITY_ERROR, e.getMessage());
    }
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

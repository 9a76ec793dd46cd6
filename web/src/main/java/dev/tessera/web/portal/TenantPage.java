package dev.tessera.web.portal;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.TesseraException;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A portal page about one tenant: resolves and checks the tenant on load ({@code ?tenant=}),
 * answers 404/403 with a message in place of the content when the user may not see it, re-checks
 * before every change, and turns the modules' errors into messages that say what to do.
 */
public abstract class TenantPage implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(TenantPage.class.getName());

  @Inject PortalAccess access;
  @Inject PortalAudit audit;

  private String tenantParam;
  private TenantView tenant;
  private String denied;

  /** Roles that may see this page. */
  protected abstract Set<Role> viewRoles();

  /** Reads what the page shows. */
  protected abstract void refresh();

  /** The page's view action (GET only). */
  public void load() {
    try {
      tenant = access.tenant(tenantParam, viewRoles());
      refresh();
    } catch (PortalDenied d) {
      denied = d.getMessage();
      FacesContext.getCurrentInstance().getExternalContext().setResponseStatus(d.status());
    }
  }

  /** The tenant again, checked for the roles a change needs. */
  protected TenantId require(Set<Role> roles) {
    if (tenant == null) {
      throw PortalDenied.notFound();
    }
    return access.tenant(tenant.id().toString(), roles).id();
  }

  /**
   * Runs a change and records it in the tenant's audit log under the admin API's action name
   * ({@code collection.verb}); failures become a message on the page. {@code change} answers the
   * state after (a DTO, a map, or null); its {@code id} is the target unless {@code targetId} says.
   * True when it succeeded.
   */
  protected boolean attempt(
      String action, String targetType, String targetId, Object before, Supplier<?> change) {
    try {
      Object after = change.get();
      LOG.info(
          "WEB-0310 portal change: " + action + " by " + access.actor() + " in " + tenant.id());
      audit.change(
          tenant.id(), access.user(), access.http(), action, targetType, targetId, before, after);
      return true;
    } catch (PortalDenied d) {
      error(d.getMessage());
    } catch (TesseraException e) {
      error(e.getMessage());
    } catch (IllegalArgumentException e) {
      error("That input is not valid: " + e.getMessage());
    }
    return false;
  }

  /**
   * Runs a change that its module records in the audit log itself, inside its own transaction
   * (prompts), given {@link #auditActor()}; failures become a message on the page.
   */
  protected boolean attemptSelfAudited(String action, Runnable change) {
    try {
      change.run();
      LOG.info(
          "WEB-0310 portal change: " + action + " by " + access.actor() + " in " + tenant.id());
      return true;
    } catch (PortalDenied d) {
      error(d.getMessage());
    } catch (TesseraException e) {
      error(e.getMessage());
    } catch (IllegalArgumentException e) {
      error("That input is not valid: " + e.getMessage());
    }
    return false;
  }

  /** The signed-in user as the audit log names them, with the client's address. */
  protected dev.tessera.governance.api.Actor auditActor() {
    return PortalAudit.actor(access.user(), access.http());
  }

  /** {@link #attempt(String, String, String, Object, Supplier)} with no state before. */
  protected boolean attempt(String action, String targetType, String targetId, Supplier<?> change) {
    return attempt(action, targetType, targetId, null, change);
  }

  protected static void info(String message) {
    FacesContext.getCurrentInstance()
        .addMessage(null, new FacesMessage(FacesMessage.SEVERITY_INFO, message, null));
  }

  protected static void error(String message) {
    FacesContext.getCurrentInstance()
        .addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, message, null));
  }

  public boolean can(Set<Role> roles) {
    return access.can(roles);
  }

  public String getTenant() {
    return tenantParam;
  }

  public void setTenant(String tenant) {
    this.tenantParam = tenant;
  }

  public TenantView getTenantView() {
    return tenant;
  }

  public String getTenantId() {
    return tenant == null ? null : tenant.id().toString();
  }

  public boolean isDenied() {
    return denied != null;
  }

  public String getDeniedMessage() {
    return denied;
  }
}

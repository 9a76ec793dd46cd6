package dev.tessera.web.portal;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * The signed-in user as the page template shows it (name, tenant, which menu entries to offer), and
 * signing out: of this browser, or of every session the person has open.
 */
@Named("portal")
@RequestScoped
public class PortalSession {
  private static final Logger LOG = Logger.getLogger(PortalSession.class.getName());

  @Inject HttpServletRequest request;
  @Inject SessionGuard guard;
  @Inject PortalAudit audit;

  public PortalUser getUser() {
    return PortalAuthentication.sessionUser(request);
  }

  public boolean isOperator() {
    PortalUser u = getUser();
    return u != null && u.isOperator();
  }

  private boolean can(java.util.Set<dev.tessera.tenancy.api.Role> roles) {
    PortalUser u = getUser();
    return u != null && u.hasAny(roles);
  }

  public boolean isKeys() {
    return can(Permissions.KEYS_VIEW);
  }

  public boolean isUsers() {
    return can(Permissions.USERS);
  }

  public boolean isMoney() {
    return can(Permissions.MONEY_VIEW);
  }

  public boolean isUsage() {
    return can(Permissions.USAGE);
  }

  public boolean isRouting() {
    return can(Permissions.ROUTING_VIEW);
  }

  public boolean isPrompts() {
    return can(Permissions.PROMPTS_VIEW);
  }

  public boolean isProviderKeys() {
    return can(Permissions.PROVIDER_KEYS_VIEW);
  }

  public boolean isKnowledge() {
    return can(Permissions.KNOWLEDGE);
  }

  public boolean isLogs() {
    return can(Permissions.LOGS);
  }

  public void signOut() throws IOException, ServletException {
    end(false);
  }

  public void signOutEverywhere() throws IOException, ServletException {
    end(true);
  }

  private void end(boolean everywhere) throws IOException, ServletException {
    PortalUser u = getUser();
    if (u != null && everywhere) {
      guard.revokeAll(u);
      LOG.info("WEB-0305 portal: every session of " + u.logName() + " ended");
    }
    if (u != null) {
      audit.signedOut(u, everywhere, request);
    }
    request.logout();
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    ExternalContext ec = FacesContext.getCurrentInstance().getExternalContext();
    ec.redirect(ec.getRequestContextPath() + PortalAuthentication.LOGIN);
    FacesContext.getCurrentInstance().responseComplete();
  }
}

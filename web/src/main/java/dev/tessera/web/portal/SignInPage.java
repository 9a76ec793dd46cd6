package dev.tessera.web.portal;

import static jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters.withParams;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The sign-in page: a tenant user (organization, email, password) or the platform operator (its
 * token), through Jakarta Security's {@code SecurityContext.authenticate}; and single sign-on when
 * Keycloak is configured.
 */
@Named
@RequestScoped
public class SignInPage {
  @Inject SecurityContext security;
  @Inject OidcSettings oidc;

  private String organization;
  private String email;
  private String password;
  private String operatorToken;

  /** On opening the page: says why a single sign-on just failed, once. */
  public void init() {
    FacesContext fc = FacesContext.getCurrentInstance();
    HttpServletRequest request = (HttpServletRequest) fc.getExternalContext().getRequest();
    var session = request.getSession(false);
    if (session != null && session.getAttribute(OidcSignIn.PROBLEM) instanceof String problem) {
      session.removeAttribute(OidcSignIn.PROBLEM);
      fc.addMessage(null, new FacesMessage(FacesMessage.SEVERITY_ERROR, problem, null));
    }
  }

  public void signIn() throws IOException {
    authenticate(new PortalCredential(organization, email, password));
    password = null;
  }

  public void signInOperator() throws IOException {
    authenticate(new PortalCredential(null, null, operatorToken));
    operatorToken = null;
  }

  private void authenticate(PortalCredential credential) throws IOException {
    FacesContext fc = FacesContext.getCurrentInstance();
    ExternalContext ec = fc.getExternalContext();
    HttpServletRequest request = (HttpServletRequest) ec.getRequest();
    AuthenticationStatus status =
        security.authenticate(
            request,
            (HttpServletResponse) ec.getResponse(),
            withParams().credential(credential).newAuthentication(true));
    // the status alone does not tell: Soteria reports a mechanism's NOT_DONE as SUCCESS here
    if (status == AuthenticationStatus.SUCCESS
        && request.getAttribute(PortalAuthentication.SIGNED_IN) != null) {
      ec.redirect(ec.getRequestContextPath() + "/portal/index.xhtml");
      fc.responseComplete();
      return;
    }
    Object problem = request.getAttribute(PortalAuthentication.PROBLEM);
    fc.addMessage(
        null,
        new FacesMessage(
            FacesMessage.SEVERITY_ERROR,
            problem != null ? problem.toString() : PasswordSignIn.WRONG,
            null));
  }

  public boolean isSsoEnabled() {
    return oidc.enabled();
  }

  public String getOrganization() {
    return organization;
  }

  public void setOrganization(String organization) {
    this.organization = organization;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public String getOperatorToken() {
    return operatorToken;
  }

  public void setOperatorToken(String operatorToken) {
    this.operatorToken = operatorToken;
  }
}

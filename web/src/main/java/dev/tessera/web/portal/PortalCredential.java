package dev.tessera.web.portal;

import jakarta.security.enterprise.credential.Credential;

/**
 * What the sign-in form submits to {@code SecurityContext.authenticate}: a tenant user's
 * organization, email and password, or (organization and email empty) the operator's token as the
 * password.
 */
record PortalCredential(String organization, String email, String password) implements Credential {
  boolean isOperator() {
    return (organization == null || organization.isBlank()) && (email == null || email.isBlank());
  }

  @Override
  public String toString() {
    return "PortalCredential[" + organization + "]"; // never the password
  }
}

package dev.tessera.web.portal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Single sign-on settings ({@code TESSERA_OIDC_*}). SSO is on when an issuer is set: Keycloak's
 * realm address, such as {@code http://127.0.0.1:8180/realms/tessera}.
 */
@ApplicationScoped
public class OidcSettings {
  @Inject
  @ConfigProperty(name = "tessera.oidc.issuer")
  Optional<String> issuer;

  @Inject
  @ConfigProperty(name = "tessera.oidc.client-id", defaultValue = "tessera-portal")
  String clientId;

  @Inject
  @ConfigProperty(name = "tessera.oidc.client-secret")
  Optional<String> clientSecret;

  @Inject
  @ConfigProperty(name = "tessera.oidc.redirect-uri")
  Optional<String> redirectUri;

  @Inject
  @ConfigProperty(name = "tessera.oidc.group-prefix", defaultValue = "/tessera/")
  String groupPrefix;

  /** Where the provider sends the browser back; by default this request's own address. */
  public Optional<String> redirectUri() {
    return redirectUri.filter(s -> !s.isBlank());
  }

  /** Groups under this path name tenants: {@code /tessera/<slug>/<ROLE>}. */
  public String groupPrefix() {
    return groupPrefix.endsWith("/") ? groupPrefix : groupPrefix + "/";
  }

  public boolean enabled() {
    return issuer.filter(s -> !s.isBlank()).isPresent();
  }

  public String issuer() {
    return issuer.orElseThrow().replaceAll("/+$", "");
  }

  public String clientId() {
    return clientId;
  }

  public String clientSecret() {
    return clientSecret.orElse("");
  }
}

package dev.tessera.web.security;

import dev.tessera.tenancy.api.ApiKeys;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.OperatorToken;
import dev.tessera.tenancy.api.Role;
import dev.tessera.web.portal.PortalAuthentication;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * {@code Authorization: Bearer ...} for every request: the platform operator's token, or a tenant
 * API key ({@code tsk_...}). A missing or bad credential is not answered here: the request goes on
 * anonymous and the resource's first statement refuses it with problem+json, so public endpoints
 * (health, OpenAPI) keep working.
 */
@ApplicationScoped
public class BearerAuthentication implements HttpAuthenticationMechanism {
  private static final Logger LOG = Logger.getLogger(BearerAuthentication.class.getName());
  private static final String BEARER = "bearer ";

  @Inject OperatorToken operatorToken;
  @Inject ApiKeys apiKeys;
  @Inject PortalAuthentication portal;

  @Override
  public AuthenticationStatus validateRequest(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    if (PortalAuthentication.handles(request)) {
      return portal.validateRequest(request, response, context); // sessions, not bearer tokens
    }
    String header = request.getHeader("Authorization");
    if (header == null) {
      return context.doNothing();
    }
    if (header.length() <= BEARER.length()
        || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      RequestCaller.rejected(request, "Use 'Authorization: Bearer <token>'.");
      return context.doNothing();
    }
    String token = header.substring(BEARER.length()).trim();
    if (operatorToken.matches(token)) {
      RequestCaller.platformAdmin(request);
      return context.notifyContainerAboutLogin(
          "platform-operator", Set.of(Role.PLATFORM_ADMIN.name()));
    }
    Optional<KeyPrincipal> key;
    try {
      key = apiKeys.authenticate(token);
    } catch (RuntimeException e) {
      LOG.warning("WEB-0001 key verification failed: " + e.getMessage());
      RequestCaller.rejected(request, "The credential could not be verified right now; retry.");
      return context.doNothing();
    }
    if (key.isEmpty()) {
      RequestCaller.rejected(request, "The API key is invalid, expired or revoked.");
      return context.doNothing();
    }
    RequestCaller.key(request, key.get());
    return context.notifyContainerAboutLogin(
        "key:" + key.get().keyId(),
        key.get().roles().stream().map(Role::name).collect(Collectors.toSet()));
  }
}

package dev.tessera.web.portal;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantStatus;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.Tenants;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Single sign-on with Keycloak (any OpenID Connect provider): the authorization code flow with
 * PKCE, state and nonce. {@code /portal/oidc/start} sends the browser to the provider; {@code
 * /portal/oidc/callback} exchanges the code at the token endpoint (a direct, client-authenticated
 * call, so the ID token's origin is the provider itself; OIDC Core 3.1.3.7), checks issuer,
 * audience, expiry and nonce, and maps the {@code groups} claim to a tenant and roles: a member of
 * {@code /tessera/<slug>/TENANT_ADMIN} is a tenant administrator of {@code <slug>}. The session
 * then continues exactly like a password sign-in (new session id, lockout-free: Keycloak guards its
 * own sign-in).
 */
@WebServlet(urlPatterns = {"/portal/oidc/start", "/portal/oidc/callback"})
public class OidcSignIn extends HttpServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(OidcSignIn.class.getName());
  static final String PENDING = OidcSignIn.class.getName() + ".pending";
  static final String PROBLEM = OidcSignIn.class.getName() + ".problem";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** What the callback must match: kept in the session between the two requests. */
  record Pending(String state, String nonce, String verifier, String redirectUri)
      implements Serializable {}

  @Inject transient OidcSettings settings;
  @Inject transient Tenants tenants;
  @Inject transient PortalAudit audit;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!settings.enabled()) {
      response.sendError(404, "Single sign-on is not configured (TESSERA_OIDC_ISSUER).");
      return;
    }
    try {
      if (request.getRequestURI().endsWith("/start")) {
        start(request, response);
      } else {
        callback(request, response);
      }
    } catch (SsoProblem p) {
      LOG.warning("WEB-0304 single sign-on refused: " + p.getMessage());
      request.getSession(true).setAttribute(PROBLEM, p.getMessage());
      response.sendRedirect(request.getContextPath() + PortalAuthentication.LOGIN);
    }
  }

  private void start(HttpServletRequest request, HttpServletResponse response) throws IOException {
    JsonObject provider = discovery();
    String redirectUri =
        settings
            .redirectUri()
            .orElseGet(
                () ->
                    request.getScheme()
                        + "://"
                        + request.getServerName()
                        + ":"
                        + request.getServerPort()
                        + request.getContextPath()
                        + "/portal/oidc/callback");
    Pending p = new Pending(random(), random(), random(), redirectUri);
    request.getSession(true).setAttribute(PENDING, p);
    String url =
        provider.getString("authorization_endpoint")
            + "?"
            + form(
                Map.of(
                    "response_type",
                    "code",
                    "client_id",
                    settings.clientId(),
                    "scope",
                    "openid email profile",
                    "redirect_uri",
                    redirectUri,
                    "state",
                    p.state(),
                    "nonce",
                    p.nonce(),
                    "code_challenge",
                    challenge(p.verifier()),
                    "code_challenge_method",
                    "S256"));
    response.sendRedirect(url);
  }

  private void callback(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HttpSession session = request.getSession(false);
    Pending p = session == null ? null : (Pending) session.getAttribute(PENDING);
    if (p == null) {
      throw new SsoProblem("The sign-in took too long or began elsewhere. Try again.");
    }
    session.removeAttribute(PENDING);
    if (request.getParameter("error") != null) {
      throw new SsoProblem(
          "The identity provider refused the sign-in: " + request.getParameter("error"));
    }
    String state = request.getParameter("state");
    if (state == null
        || !MessageDigest.isEqual(
            state.getBytes(StandardCharsets.UTF_8), p.state().getBytes(StandardCharsets.UTF_8))) {
      throw new SsoProblem("The sign-in answer did not match this browser's request. Try again.");
    }
    JsonObject claims = exchange(request.getParameter("code"), p);
    PortalUser user = userOf(claims);
    PortalAuthentication.establish(request, user);
    LOG.info("WEB-0301 portal sign-in: " + user.logName() + " (SSO)");
    audit.signedIn(user, request);
    response.sendRedirect(
        request.getContextPath() + "/portal/index.xhtml?tenant=" + user.tenantId());
  }

  private JsonObject exchange(String code, Pending p) throws IOException {
    if (code == null || code.isBlank()) {
      throw new SsoProblem("The identity provider sent no authorization code.");
    }
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (enc(settings.clientId()) + ":" + enc(settings.clientSecret()))
                    .getBytes(StandardCharsets.UTF_8));
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(discovery().getString("token_endpoint")))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Authorization", "Basic " + basic)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    form(
                        Map.of(
                            "grant_type",
                            "authorization_code",
                            "code",
                            code,
                            "redirect_uri",
                            p.redirectUri(),
                            "code_verifier",
                            p.verifier()))))
            .build();
    HttpResponse<String> r = send(req);
    if (r.statusCode() != 200) {
      throw new SsoProblem(
          "The identity provider did not accept the sign-in (HTTP " + r.statusCode() + ").");
    }
    String idToken = json(r.body()).getString("id_token", null);
    if (idToken == null || idToken.split("\\.").length < 2) {
      throw new SsoProblem("The identity provider sent no ID token.");
    }
    JsonObject claims =
        json(
            new String(
                Base64.getUrlDecoder().decode(idToken.split("\\.")[1]), StandardCharsets.UTF_8));
    if (!settings.issuer().equals(claims.getString("iss", ""))) {
      throw new SsoProblem("The ID token comes from another issuer.");
    }
    if (!audience(claims).contains(settings.clientId())) {
      throw new SsoProblem("The ID token is meant for another client.");
    }
    if (claims.getJsonNumber("exp") == null
        || claims.getJsonNumber("exp").longValue() < Instant.now().getEpochSecond()) {
      throw new SsoProblem("The ID token has expired. Try again.");
    }
    if (!p.nonce().equals(claims.getString("nonce", ""))) {
      throw new SsoProblem("The ID token does not answer this sign-in (nonce).");
    }
    return claims;
  }

  /** The groups claim to one tenant and its roles; exactly one tenant, or none is chosen. */
  PortalUser userOf(JsonObject claims) {
    String prefix = settings.groupPrefix();
    Map<String, Set<Role>> byTenant = new java.util.HashMap<>();
    if (claims.get("groups") instanceof jakarta.json.JsonArray groups) {
      for (JsonValue g : groups) {
        if (g.getValueType() != JsonValue.ValueType.STRING) {
          continue;
        }
        String path = ((jakarta.json.JsonString) g).getString();
        if (!path.startsWith(prefix)) {
          continue;
        }
        String[] parts = path.substring(prefix.length()).split("/");
        Set<Role> roles = byTenant.computeIfAbsent(parts[0], k -> EnumSet.noneOf(Role.class));
        if (parts.length > 1) {
          try {
            Role role = Role.valueOf(parts[1].toUpperCase(Locale.ROOT));
            if (role != Role.PLATFORM_ADMIN) {
              roles.add(role);
            }
          } catch (IllegalArgumentException ignored) {
            // a group of the tenant that is not a role
          }
        }
      }
    }
    byTenant.values().removeIf(Set::isEmpty);
    if (byTenant.isEmpty()) {
      throw new SsoProblem(
          "Your account has no role in any organization here. Ask your administrator to add you"
              + " to a group such as "
              + prefix
              + "<organization>/VIEWER.");
    }
    if (byTenant.size() > 1) {
      throw new SsoProblem(
          "Your account has roles in several organizations ("
              + String.join(", ", new HashSet<>(byTenant.keySet()))
              + "); one account signs in to one organization.");
    }
    var entry = byTenant.entrySet().iterator().next();
    TenantView tenant =
        tenants
            .findBySlug(entry.getKey())
            .filter(t -> t.status() == TenantStatus.ACTIVE)
            .orElseThrow(
                () -> new SsoProblem("Your organization is not active here. Ask the operator."));
    return new PortalUser(
        tenant.id().value(),
        tenant.slug(),
        "oidc:" + claims.getString("sub", "?"),
        claims.getString("email", null),
        claims.getString("name", claims.getString("preferred_username", "SSO user")),
        entry.getValue(),
        "oidc",
        Instant.now());
  }

  private static Set<String> audience(JsonObject claims) {
    JsonValue aud = claims.get("aud");
    if (aud instanceof jakarta.json.JsonString s) {
      return Set.of(s.getString());
    }
    if (aud instanceof jakarta.json.JsonArray a) {
      return a.getValuesAs(jakarta.json.JsonString.class).stream()
          .map(jakarta.json.JsonString::getString)
          .collect(Collectors.toSet());
    }
    return Set.of();
  }

  private volatile JsonObject provider;

  private JsonObject discovery() throws IOException {
    JsonObject p = provider;
    if (p == null) {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(
                      URI.create(settings.issuer() + "/.well-known/openid-configuration"))
                  .timeout(Duration.ofSeconds(10))
                  .build());
      if (r.statusCode() != 200) {
        throw new SsoProblem(
            "The identity provider at "
                + settings.issuer()
                + " cannot be reached (HTTP "
                + r.statusCode()
                + "); check TESSERA_OIDC_ISSUER.");
      }
      p = json(r.body());
      provider = p;
    }
    return p;
  }

  private HttpResponse<String> send(HttpRequest req) throws IOException {
    try {
      return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    } catch (IOException e) {
      throw new SsoProblem(
          "The identity provider cannot be reached ("
              + e.getClass().getSimpleName()
              + "); check TESSERA_OIDC_ISSUER.");
    }
  }

  private static JsonObject json(String body) {
    try (var r = Json.createReader(new StringReader(body))) {
      return r.readObject();
    }
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A single sign-on that cannot go on; its message tells the user what to do. */
  static final class SsoProblem extends RuntimeException {
    SsoProblem(String message) {
      super(message, null, false, false);
    }
  }
}

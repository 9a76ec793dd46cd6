package dev.tessera.web.sso;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Provisions tenants in Keycloak through its Admin REST API: on creation the group {@code
 * /tessera/<slug>} with one subgroup per role ({@code TENANT_ADMIN}, {@code DEVELOPER}, {@code
 * BILLING}, {@code VIEWER}) and, when an email is given, the first administrator (a member of
 * {@code TENANT_ADMIN} who must set a password at first sign-in); on deletion the tenant's group
 * (its members lose their roles there; the accounts stay, they may be people with other tenants).
 * Signs in as the {@code tessera-provisioner} client's service account (client credentials).
 * Without {@code TESSERA_KEYCLOAK_URL} it does nothing.
 */
@ApplicationScoped
public class KeycloakDirectory {
  private static final Logger LOG = Logger.getLogger(KeycloakDirectory.class.getName());
  static final List<Role> ROLES =
      List.of(Role.TENANT_ADMIN, Role.DEVELOPER, Role.BILLING, Role.VIEWER);

  @Inject
  @ConfigProperty(name = "tessera.keycloak.url")
  Optional<String> url;

  @Inject
  @ConfigProperty(name = "tessera.keycloak.realm", defaultValue = "tessera")
  String realm;

  @Inject
  @ConfigProperty(name = "tessera.keycloak.client-id", defaultValue = "tessera-provisioner")
  String clientId;

  @Inject
  @ConfigProperty(name = "tessera.keycloak.client-secret")
  Optional<String> clientSecret;

  @Inject
  @ConfigProperty(name = "tessera.oidc.group-prefix", defaultValue = "/tessera/")
  String groupPrefix;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public boolean enabled() {
    return url.filter(s -> !s.isBlank()).isPresent();
  }

  /**
   * Makes the tenant's groups (and its first administrator). Failures are logged, not thrown: the
   * tenant exists in Tessera either way, and running it again completes what is missing.
   */
  public void tenantCreated(TenantView tenant, String adminEmail) {
    if (!enabled()) {
      return;
    }
    try {
      String token = token();
      String parent = ensureGroup(token, null, parentName());
      String tenantGroup = ensureGroup(token, parent, tenant.slug());
      String adminGroup = null;
      for (Role r : ROLES) {
        String id = ensureGroup(token, tenantGroup, r.name());
        if (r == Role.TENANT_ADMIN) {
          adminGroup = id;
        }
      }
      if (adminEmail != null && !adminEmail.isBlank()) {
        String user = ensureUser(token, adminEmail.strip());
        call(token, "PUT", "/users/" + user + "/groups/" + adminGroup, null, 204);
      }
      LOG.info("WEB-0330 Keycloak: tenant " + tenant.id() + " provisioned");
    } catch (IOException | RuntimeException e) {
      LOG.warning(
          "WEB-0331 Keycloak provisioning of tenant "
              + tenant.id()
              + " failed: "
              + e.getMessage()
              + " (check TESSERA_KEYCLOAK_*; creating the tenant's groups by hand also works)");
    }
  }

  /** Removes the tenant's group and its role groups. */
  public void tenantDeleted(TenantView tenant) {
    if (!enabled()) {
      return;
    }
    try {
      String token = token();
      HttpResponse<String> r =
          send(
              token, "GET", "/group-by-path/" + enc(parentName()) + "/" + enc(tenant.slug()), null);
      if (r.statusCode() == 404) {
        return;
      }
      check(r, 200);
      call(token, "DELETE", "/groups/" + json(r.body()).getString("id"), null, 204);
      LOG.info("WEB-0332 Keycloak: tenant " + tenant.id() + " deprovisioned");
    } catch (IOException | RuntimeException e) {
      LOG.warning(
          "WEB-0333 Keycloak deprovisioning of tenant "
              + tenant.id()
              + " failed: "
              + e.getMessage());
    }
  }

  private String parentName() {
    String p = groupPrefix.replaceAll("^/+|/+$", "");
    return p.isEmpty() ? "tessera" : p;
  }

  /**
   * The id of the group {@code name} under {@code parent} (top level when null), made if missing.
   */
  private String ensureGroup(String token, String parent, String name) throws IOException {
    String list =
        parent == null
            ? "/groups?exact=true&briefRepresentation=true&search=" + enc(name)
            : "/groups/"
                + parent
                + "/children?exact=true&briefRepresentation=true&search="
                + enc(name);
    HttpResponse<String> found = send(token, "GET", list, null);
    check(found, 200);
    for (JsonValue v : Json.createReader(new StringReader(found.body())).readArray()) {
      JsonObject g = v.asJsonObject();
      if (name.equals(g.getString("name", null))) {
        return g.getString("id");
      }
    }
    String body = Json.createObjectBuilder().add("name", name).build().toString();
    HttpResponse<String> made =
        send(token, "POST", parent == null ? "/groups" : "/groups/" + parent + "/children", body);
    check(made, 201);
    return idFromLocation(made);
  }

  private String ensureUser(String token, String email) throws IOException {
    HttpResponse<String> found = send(token, "GET", "/users?exact=true&email=" + enc(email), null);
    check(found, 200);
    JsonArray users = Json.createReader(new StringReader(found.body())).readArray();
    if (!users.isEmpty()) {
      return users.getJsonObject(0).getString("id");
    }
    String body =
        Json.createObjectBuilder()
            .add("username", email)
            .add("email", email)
            .add("enabled", true)
            .add("requiredActions", Json.createArrayBuilder().add("UPDATE_PASSWORD"))
            .build()
            .toString();
    HttpResponse<String> made = send(token, "POST", "/users", body);
    check(made, 201);
    return idFromLocation(made);
  }

  private String token() throws IOException {
    String form =
        "grant_type=client_credentials&client_id="
            + enc(clientId)
            + "&client_secret="
            + enc(clientSecret.orElse(""));
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(base() + "/realms/" + realm + "/protocol/openid-connect/token"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> r = exchange(req);
    check(r, 200);
    return json(r.body()).getString("access_token");
  }

  private void call(String token, String method, String path, String body, int expected)
      throws IOException {
    check(send(token, method, path, body), expected);
  }

  private HttpResponse<String> send(String token, String method, String path, String body)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base() + "/admin/realms/" + realm + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return exchange(b.build());
  }

  private HttpResponse<String> exchange(HttpRequest req) throws IOException {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void check(HttpResponse<String> r, int expected) {
    if (r.statusCode() != expected) {
      throw new IllegalStateException(
          r.request().method() + " " + r.request().uri().getPath() + " answered " + r.statusCode());
    }
  }

  private static String idFromLocation(HttpResponse<String> r) {
    String location = r.headers().firstValue("Location").orElseThrow();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private String base() {
    return url.orElseThrow().replaceAll("/+$", "");
  }

  private static JsonObject json(String body) {
    return Json.createReader(new StringReader(body)).readObject();
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}

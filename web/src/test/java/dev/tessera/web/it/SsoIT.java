package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.keycloak.admin.client.Keycloak;
import org.keycloak.admin.client.resource.RealmResource;
import org.keycloak.representations.idm.CredentialRepresentation;
import org.keycloak.representations.idm.GroupRepresentation;
import org.keycloak.representations.idm.UserRepresentation;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Single sign-on against a real Keycloak (Maven Central's distribution, started here on loopback
 * with the realm from keycloak/tessera-realm.json) and a Tessera node configured for it: creating a
 * tenant provisions its groups and first administrator, a group's role becomes the portal role at
 * sign-in, and deleting the tenant removes its groups. Skipped, saying why, only where Keycloak
 * cannot start.
 */
class SsoIT {
  static final String CLIENT_SECRET = "it-portal-client-secret";
  static final String PROVISIONER_SECRET = "it-provisioner-secret";
  static final String ADMIN_PASSWORD = "it-keycloak-admin";
  static Process keycloak;
  static int kcPort;
  static Node node;
  static Keycloak admin;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    Platform platform = Platform.get();
    Path home = Path.of(System.getProperty("tessera.it.keycloak", "target/keycloak/none"));
    Assumptions.assumeTrue(
        Files.isRegularFile(home.resolve("bin/kc.sh")),
        "SKIPPED: the Keycloak distribution is not at " + home + " (mvn fetches it in verify)");
    kcPort = Node.freePort();
    // a fresh realm every run: the dev database lives in the distribution's data directory
    deleteTree(home.resolve("data/h2"));
    Files.createDirectories(home.resolve("data/import"));
    Files.copy(
        LauncherIT.ROOT.resolve("keycloak/tessera-realm.json"),
        home.resolve("data/import/tessera-realm.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    home.resolve("bin/kc.sh").toFile().setExecutable(true);
    ProcessBuilder pb =
        new ProcessBuilder(
                home.resolve("bin/kc.sh").toString(),
                "start-dev",
                "--http-port=" + kcPort,
                "--http-host=127.0.0.1",
                "--import-realm")
            .redirectErrorStream(true)
            .redirectOutput(Settings.WORK.resolve("keycloak.log").toFile());
    pb.environment()
        .putAll(
            Map.of(
                "KC_BOOTSTRAP_ADMIN_USERNAME", "admin",
                "KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD,
                "TESSERA_OIDC_CLIENT_SECRET", CLIENT_SECRET,
                "TESSERA_KEYCLOAK_ADMIN_SECRET", PROVISIONER_SECRET,
                "JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx512m"));
    keycloak = pb.start();

    // Tessera, configured for SSO, boots meanwhile
    node = new Node("node-sso", Settings.WORK);
    Map<String, String> env = platform.env();
    env.put("TESSERA_BATCHES_WORKERS", "0");
    env.put("TESSERA_OIDC_ISSUER", "http://127.0.0.1:" + kcPort + "/realms/tessera");
    env.put("TESSERA_OIDC_CLIENT_SECRET", CLIENT_SECRET);
    env.put("TESSERA_KEYCLOAK_URL", "http://127.0.0.1:" + kcPort);
    env.put("TESSERA_KEYCLOAK_CLIENT_SECRET", PROVISIONER_SECRET);
    node.start(env, List.of());

    // first start on a busy 2-core machine: Quarkus augmentation (~2 min) then the schema
    awaitKeycloak(Duration.ofMinutes(7));
    node.awaitReady(Duration.ofMinutes(4));
    admin =
        Keycloak.getInstance(
            "http://127.0.0.1:" + kcPort, "master", "admin", ADMIN_PASSWORD, "admin-cli");
    browser = Browser.start("sso");
  }

  static void awaitKeycloak(Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!keycloak.isAlive()) {
        Assumptions.abort(
            "SKIPPED: Keycloak could not start here (exit "
                + keycloak.exitValue()
                + "); see "
                + Settings.WORK.resolve("keycloak.log"));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + kcPort
                                + "/realms/tessera/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // still starting
      }
      Thread.sleep(1000);
    }
    Assumptions.abort(
        "SKIPPED: Keycloak did not answer within "
            + timeout
            + "; see "
            + Settings.WORK.resolve("keycloak.log"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (admin != null) {
      admin.close();
    }
    if (node != null) {
      node.close();
    }
    if (keycloak != null) {
      keycloak.destroy();
      keycloak.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      keycloak.destroyForcibly();
    }
  }

  static void deleteTree(Path p) throws Exception {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
      }
    }
  }

  /** Gives a provisioned or new user a password and a complete profile, as the person would. */
  static String ready(RealmResource realm, String email, String groupPath) {
    List<UserRepresentation> found = realm.users().searchByEmail(email, true);
    String id;
    if (found.isEmpty()) {
      UserRepresentation u = new UserRepresentation();
      u.setUsername(email);
      u.setEmail(email);
      u.setEnabled(true);
      var created = realm.users().create(u);
      assertThat(created.getStatus()).isEqualTo(201);
      String location = created.getLocation().toString();
      id = location.substring(location.lastIndexOf('/') + 1);
      created.close();
    } else {
      id = found.get(0).getId();
    }
    UserRepresentation u = realm.users().get(id).toRepresentation();
    u.setFirstName("Sso");
    u.setLastName("Person");
    u.setEmailVerified(true);
    u.setRequiredActions(List.of());
    realm.users().get(id).update(u);
    CredentialRepresentation c = new CredentialRepresentation();
    c.setType(CredentialRepresentation.PASSWORD);
    c.setValue("sso password 123");
    c.setTemporary(false);
    realm.users().get(id).resetPassword(c);
    if (groupPath != null) {
      realm.users().get(id).joinGroup(realm.getGroupByPath(groupPath).getId());
    }
    return id;
  }

  void ssoSignIn(String email) {
    // every cookie, Keycloak's SSO session (path /realms/...) included: a new person signs in
    browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
    browser.get(node.baseUrl() + "/portal/login.xhtml");
    browser.findElement(By.id("sso")).click();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    browser.findElement(By.id("username")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys("sso password 123");
    browser.findElement(By.id("kc-login")).click();
    wait.until(ExpectedConditions.urlContains("/portal/index.xhtml"));
  }

  @Test
  void tenants_are_provisioned_in_keycloak_and_their_groups_sign_in_with_roles() throws Exception {
    Api operator = new Api(node.baseUrl(), Settings.ADMIN_TOKEN);
    String slug = "sso-" + UUID.randomUUID().toString().substring(0, 8);
    String adminEmail = "first-admin@" + slug + ".example";
    Api.Reply created =
        operator.post(
            "/api/v1/tenants",
            "{\"slug\":\""
                + slug
                + "\",\"name\":\"SSO "
                + slug
                + "\",\"tier\":\"STANDARD\",\"adminEmail\":\""
                + adminEmail
                + "\"}");
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    String tenant = created.json().getString("id");

    // provisioned: /tessera/<slug> with a group per role, and the first admin in TENANT_ADMIN
    RealmResource realm = admin.realm("tessera");
    GroupRepresentation group = realm.getGroupByPath("/tessera/" + slug);
    assertThat(
            realm.groups().group(group.getId()).getSubGroups(0, 10, true).stream()
                .map(GroupRepresentation::getName))
        .containsExactlyInAnyOrder("TENANT_ADMIN", "DEVELOPER", "BILLING", "VIEWER");
    List<UserRepresentation> firstAdmin = realm.users().searchByEmail(adminEmail, true);
    assertThat(firstAdmin).hasSize(1);
    assertThat(
            realm.users().get(firstAdmin.get(0).getId()).groups().stream()
                .map(GroupRepresentation::getPath))
        .contains("/tessera/" + slug + "/TENANT_ADMIN");

    // the first admin signs in through Keycloak and is this tenant's administrator
    ready(realm, adminEmail, null);
    ssoSignIn(adminEmail);
    assertThat(browser.getCurrentUrl()).contains("tenant=" + tenant);
    assertThat(browser.findElements(By.id("nav-users"))).hasSize(1);
    assertThat(browser.findElement(By.tagName("h1")).getText()).contains("SSO " + slug);

    // a member of the VIEWER group is a viewer: no Users page
    String viewer = "viewer@" + slug + ".example";
    ready(realm, viewer, "/tessera/" + slug + "/VIEWER");
    ssoSignIn(viewer);
    assertThat(browser.findElements(By.id("nav-users"))).isEmpty();
    assertThat(browser.findElements(By.id("nav-keys"))).hasSize(1);

    // deleting the tenant removes its groups
    assertThat(operator.delete("/api/v1/tenants/" + tenant).status()).isEqualTo(200);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> realm.getGroupByPath("/tessera/" + slug))
        .isInstanceOf(jakarta.ws.rs.NotFoundException.class);
  }
}

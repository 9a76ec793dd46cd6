package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in a real headless Chromium against the running platform: sign-in (session cookie
 * flags, a new session id), an API key shown once and revoked (a /v1 call fails within a second), a
 * budget, the usage chart with data and its CSV, what a viewer may not see, another tenant's pages
 * (404), requests without the CSRF token (refused), lockout and "sign out everywhere".
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PortalIT {
  static final String PASSWORD = "a long enough secret";
  static Platform platform;
  static Api operator;
  static String base;
  static String tenant;
  static String slug;
  static String otherTenant;
  static String otherSlug;
  static ChromeDriver browser;
  static final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void setUp() throws Exception {
    platform = Platform.get();
    operator = platform.operator();
    base = platform.a.baseUrl();
    slug = "portal-" + UUID.randomUUID().toString().substring(0, 8);
    tenant = createTenant(slug);
    otherSlug = "other-" + UUID.randomUUID().toString().substring(0, 8);
    otherTenant = createTenant(otherSlug);
    createUser(tenant, "admin@" + slug + ".example", "TENANT_ADMIN");
    createUser(tenant, "viewer@" + slug + ".example", "VIEWER");
    createUser(tenant, "locked@" + slug + ".example", "VIEWER");
    createUser(otherTenant, "admin@" + otherSlug + ".example", "TENANT_ADMIN");
    browser = Browser.start("portal");
  }

  @AfterAll
  static void tearDown() {
    if (browser != null) {
      browser.quit();
    }
  }

  static String createTenant(String s) {
    Api.Reply r =
        operator.post(
            "/api/v1/tenants",
            "{\"slug\":\"" + s + "\",\"name\":\"Org " + s + "\",\"tier\":\"STANDARD\"}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  static void createUser(String t, String email, String role) {
    Api.Reply r =
        operator.post(
            "/api/v1/tenants/" + t + "/users",
            "{\"email\":\""
                + email
                + "\",\"displayName\":\""
                + role.toLowerCase()
                + " user\",\"password\":\""
                + PASSWORD
                + "\",\"roles\":[\""
                + role
                + "\"]}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  WebDriverWait waitUpTo(int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds));
  }

  void signIn(String organization, String email, String password) {
    browser.manage().deleteAllCookies();
    browser.get(base + "/portal/login.xhtml");
    browser.findElement(By.id("organization")).sendKeys(organization);
    browser.findElement(By.id("email")).sendKeys(email);
    browser.findElement(By.id("password")).sendKeys(password);
    browser.findElement(By.id("sign-in")).click();
  }

  void open(String navId) {
    browser.findElement(By.id(navId)).click();
    waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.id("main")));
  }

  String session() {
    Cookie c = browser.manage().getCookieNamed("JSESSIONID");
    return c == null ? null : c.getValue();
  }

  /** A request with the browser's session cookie (to read status codes Selenium cannot see). */
  HttpResponse<String> asBrowser(String pathOrUrl) throws Exception {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl;
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).header("Cookie", "JSESSIONID=" + session()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  int v1Status(String key) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/models"))
                .header("Authorization", "Bearer " + key)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  @Order(1)
  void a_tenant_admin_signs_in_with_a_new_session_id_and_a_guarded_cookie() throws Exception {
    browser.manage().deleteAllCookies();
    browser.get(base + "/portal/keys.xhtml");
    assertThat(browser.getCurrentUrl()).as("sent to sign in").endsWith("/portal/login.xhtml");
    String before = session();
    assertThat(before).as("the sign-in page has a session (its view state)").isNotNull();

    browser.findElement(By.id("organization")).sendKeys(slug);
    browser.findElement(By.id("email")).sendKeys("admin@" + slug + ".example");
    browser.findElement(By.id("password")).sendKeys(PASSWORD);
    browser.findElement(By.id("sign-in")).click();
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));

    Cookie cookie = browser.manage().getCookieNamed("JSESSIONID");
    assertThat(cookie.getValue()).as("session fixation: a new id at sign-in").isNotEqualTo(before);
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Lax");
    HttpResponse<String> fresh =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/portal/login.xhtml")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fresh.headers().allValues("Set-Cookie"))
        .anySatisfy(
            c ->
                assertThat(c)
                    .startsWith("JSESSIONID=")
                    .contains("HttpOnly")
                    .containsIgnoringCase("SameSite=Lax"));
    assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Overview");
    assertThat(browser.findElement(By.id("nav-users")).isDisplayed()).isTrue();
    // the old id signs nobody in
    HttpResponse<String> old =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/portal/index.xhtml"))
                .header("Cookie", "JSESSIONID=" + before)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(old.statusCode()).isEqualTo(302);
    assertThat(old.headers().firstValue("Location").orElse("")).endsWith("/portal/login.xhtml");
    Browser.screenshot(browser, "portal-overview", 1280);
  }

  @Test
  @Order(2)
  void a_new_key_is_shown_once_and_a_revoked_key_fails_on_v1_within_a_second() throws Exception {
    open("nav-keys");
    browser.findElement(By.id("key-name")).sendKeys("browser-key");
    browser.findElement(By.id("create-key")).click();
    WebElement issued =
        waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.id("issued-key")));
    String key = issued.getText().strip();
    assertThat(key).startsWith("tsk_");
    assertThat(v1Status(key)).isEqualTo(200);
    Browser.screenshot(browser, "portal-keys", 1280);
    Browser.screenshot(browser, "portal-keys-phone", 390);

    open("nav-keys");
    assertThat(browser.findElements(By.id("issued-key"))).as("shown once").isEmpty();
    assertThat(browser.getPageSource()).doesNotContain(key);
    assertThat(browser.findElement(By.id("key-list")).getText()).contains("browser-key");

    WebElement revoke =
        browser.findElement(By.cssSelector("#key-list input[aria-label='Revoke key browser-key']"));
    revoke.click();
    browser.switchTo().alert().accept();
    waitUpTo(20)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("key-list"), "revoked"));
    long revokedAt = System.nanoTime();
    // every instance refuses a revoked key within one second (verified keys are cached 1 s)
    long waitMs = 1000 - (System.nanoTime() - revokedAt) / 1_000_000;
    if (waitMs > 0) {
      Thread.sleep(waitMs);
    }
    assertThat(v1Status(key)).as("a /v1 call a second after the revocation").isEqualTo(401);
  }

  @Test
  @Order(3)
  void a_budget_is_set_in_the_portal() throws Exception {
    open("nav-budgets");
    new Select(browser.findElement(By.id("budget-period"))).selectByValue("DAILY");
    browser.findElement(By.id("budget-limit")).sendKeys("25.5");
    new Select(browser.findElement(By.id("budget-enforcement"))).selectByValue("HARD");
    browser.findElement(By.id("create-budget")).click();
    waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.id("budget-list")));
    assertThat(browser.findElement(By.id("budget-list")).getText()).contains("25.5", "HARD");
    List<jakarta.json.JsonObject> budgets = operator.all("/api/v1/tenants/" + tenant + "/budgets");
    assertThat(budgets).hasSize(1);
    assertThat(budgets.get(0).getJsonNumber("limit").longValue()).isEqualTo(25_500_000L);
    assertThat(budgets.get(0).getString("enforcement")).isEqualTo("HARD");
    Browser.screenshot(browser, "portal-budgets", 1280);
  }

  @Test
  @Order(4)
  void the_usage_chart_shows_the_calls_and_the_csv_lists_them() throws Exception {
    String key = operator.createKey(tenant, "inference")[1];
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"model\":\"local-extractive\",\"messages\":[{\"role\":\"user\","
                              + "\"content\":\"Refunds are accepted within 30 days. How long?\"}]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    // free answers are recorded off the request path within milliseconds
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      open("nav-usage");
      if (Long.parseLong(browser.findElement(By.id("total-requests")).getText()) >= 3
          || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(300);
    }
    assertThat(browser.findElement(By.id("total-requests")).getText()).isEqualTo("3");
    WebElement canvas =
        waitUpTo(20)
            .until(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#usage-chart canvas")));
    assertThat(canvas.getSize().getHeight()).isPositive();
    assertThat(browser.findElement(By.id("breakdown")).getText()).contains("local-extractive");
    Browser.screenshot(browser, "portal-usage", 1280);
    Browser.screenshot(browser, "portal-usage-phone", 390);

    String csvUrl = browser.findElement(By.id("csv")).getAttribute("href");
    HttpResponse<String> csv = asBrowser(csvUrl);
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(csv.body().lines().filter(l -> l.contains("local-extractive")).count()).isEqualTo(3);
  }

  @Test
  @Order(5)
  void another_tenants_pages_are_not_found() throws Exception {
    open("nav-home");
    String keysLink = browser.findElement(By.id("nav-keys")).getAttribute("href");
    assertThat(keysLink).contains("tenant=" + tenant).contains("jakarta.faces.Token=");
    HttpResponse<String> own = asBrowser(keysLink);
    assertThat(own.statusCode()).isEqualTo(200);
    HttpResponse<String> other = asBrowser(keysLink.replace(tenant, otherTenant));
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).doesNotContain(otherSlug).contains("no such page");
    HttpResponse<String> csv =
        asBrowser("/portal/usage.csv?tenant=" + otherTenant + "&from=2020-01-01");
    assertThat(csv.statusCode()).isEqualTo(404);
  }

  @Test
  @Order(6)
  void a_form_or_link_without_the_csrf_token_is_refused() throws Exception {
    int keysBefore = operator.all("/api/v1/tenants/" + tenant + "/api-keys").size();
    open("nav-keys");
    browser.findElement(By.id("key-name")).sendKeys("forged");
    browser.executeScript(
        "document.querySelectorAll(\"input[name='jakarta.faces.ViewState']\")"
            + ".forEach(function (e) { e.remove(); });");
    browser.findElement(By.id("create-key")).click();
    waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.tagName("body")));
    assertThat(browser.getPageSource()).contains("security token");
    assertThat(browser.findElements(By.id("issued-key"))).isEmpty();
    assertThat(operator.all("/api/v1/tenants/" + tenant + "/api-keys")).hasSize(keysBefore);

    HttpResponse<String> noToken = asBrowser("/portal/keys.xhtml?tenant=" + tenant);
    assertThat(noToken.statusCode()).isEqualTo(403);
    assertThat(noToken.body()).contains("security token").doesNotContain("Exception");
  }

  @Test
  @Order(7)
  void a_viewer_cannot_see_admin_pages() throws Exception {
    signIn(slug, "viewer@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    assertThat(browser.findElements(By.id("nav-users"))).as("no Users entry").isEmpty();
    assertThat(browser.findElements(By.id("nav-tenants"))).isEmpty();
    String keysLink = browser.findElement(By.id("nav-keys")).getAttribute("href");
    HttpResponse<String> users = asBrowser(keysLink.replace("/keys.xhtml", "/users.xhtml"));
    assertThat(users.statusCode()).isEqualTo(403);
    assertThat(users.body()).doesNotContain("admin@" + slug);
    HttpResponse<String> tenants = asBrowser(keysLink.replace("/keys.xhtml", "/tenants.xhtml"));
    assertThat(tenants.statusCode()).isEqualTo(403);
    // a viewer reads keys but is offered no way to change them
    open("nav-keys");
    assertThat(browser.findElements(By.id("create-key"))).isEmpty();
  }

  @Test
  @Order(8)
  void repeated_failed_sign_ins_lock_the_account() {
    String email = "locked@" + slug + ".example";
    for (int i = 0; i < 5; i++) {
      signIn(slug, email, "wrong password " + i);
      waitUpTo(20).until(ExpectedConditions.textMatches(By.id("messages"), Pattern.compile("\\S")));
    }
    signIn(slug, email, PASSWORD);
    waitUpTo(20).until(ExpectedConditions.textMatches(By.id("messages"), Pattern.compile("\\S")));
    assertThat(browser.getCurrentUrl()).contains("/portal/login.xhtml");
    assertThat(browser.findElement(By.id("messages")).getText()).contains("locked");
  }

  @Test
  @Order(9)
  void signing_out_everywhere_ends_the_other_sessions() throws Exception {
    signIn(slug, "admin@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    String first = session();
    signIn(slug, "admin@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    assertThat(session()).isNotEqualTo(first);
    HttpResponse<String> firstStill =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/portal/index.xhtml"))
                .header("Cookie", "JSESSIONID=" + first)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(firstStill.statusCode()).as("the other session works").isEqualTo(200);

    browser.findElement(By.id("sign-out-everywhere")).click();
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/login.xhtml"));
    HttpResponse<String> firstAfter =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/portal/index.xhtml"))
                .header("Cookie", "JSESSIONID=" + first)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(firstAfter.statusCode()).isEqualTo(302);
  }

  @Test
  @Order(10)
  void the_operator_sees_tenants_and_opens_one() throws Exception {
    browser.manage().deleteAllCookies();
    browser.get(base + "/portal/login.xhtml");
    browser.findElement(By.tagName("summary")).click();
    browser.findElement(By.id("operator-token")).sendKeys(Settings.ADMIN_TOKEN);
    browser.findElement(By.id("operator-sign-in")).click();
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    open("nav-tenants");
    assertThat(browser.findElement(By.id("tenant-list")).getText()).contains(slug, otherSlug);
    Browser.screenshot(browser, "portal-tenants", 1280);
    browser.findElement(By.linkText(slug)).click();
    open("nav-credits");
    assertThat(browser.findElement(By.id("events")).getText()).isNotNull();
    open("nav-routing");
    assertThat(browser.findElement(By.id("save-routing")).isDisplayed()).isTrue();
    Browser.screenshot(browser, "portal-routing", 1280);
  }
}

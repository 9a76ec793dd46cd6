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
  static String adminId;
  static String viewerId;
  static String admin2Id;

  /** The secret of the key test 2 creates in the portal (it must appear in no audit entry). */
  static String browserKey;

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
    adminId = createUser(tenant, "admin@" + slug + ".example", "TENANT_ADMIN");
    viewerId = createUser(tenant, "viewer@" + slug + ".example", "VIEWER");
    createUser(tenant, "locked@" + slug + ".example", "VIEWER");
    createUser(tenant, "dev@" + slug + ".example", "DEVELOPER");
    admin2Id = createUser(tenant, "admin2@" + slug + ".example", "TENANT_ADMIN");
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

  static String createUser(String t, String email, String role) {
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
    return r.json().getString("id");
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

  void signInAsOperator() {
    browser.manage().deleteAllCookies();
    browser.get(base + "/portal/login.xhtml");
    browser.findElement(By.tagName("summary")).click();
    browser.findElement(By.id("operator-token")).sendKeys(Settings.ADMIN_TOKEN);
    browser.findElement(By.id("operator-sign-in")).click();
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
  }

  void open(String navId) {
    loadsPage(() -> browser.findElement(By.id(navId)).click());
  }

  /**
   * Does something that loads a new page and waits for that page: the old document is marked, so
   * its {@code main} is never mistaken for the new one's (staleness checks of the old element race
   * with Chromium's navigation and fail with "node does not belong to the document").
   */
  void loadsPage(Runnable action) {
    browser.executeScript("window.tesseraOldPage = true");
    action.run();
    waitUpTo(20)
        .ignoring(org.openqa.selenium.WebDriverException.class)
        .until(
            d ->
                Boolean.TRUE.equals(
                    browser.executeScript(
                        "return !window.tesseraOldPage && document.readyState === 'complete'"
                            + " && document.getElementById('main') !== null")));
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
    browserKey = key;
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

    // latency, cache and routing come from the decision log, which is written in batches
    deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (browser
            .findElements(By.cssSelector("#quality tbody tr:first-child td:nth-child(3)"))
            .stream()
            .noneMatch(td -> td.getText().strip().equals("3"))
        && System.nanoTime() < deadline) {
      Thread.sleep(300);
      open("nav-usage");
    }
    List<jakarta.json.JsonObject> logged = operator.all("/api/v1/tenants/" + tenant + "/decisions");
    assertThat(logged).hasSize(3);
    long hits = logged.stream().filter(d -> !"miss".equals(d.getString("cache", "miss"))).count();
    List<Integer> latencies = logged.stream().map(d -> d.getInt("latencyMillis")).sorted().toList();
    List<String> cells =
        browser.findElements(By.cssSelector("#quality tbody tr:first-child td")).stream()
            .map(td -> td.getText().strip())
            .toList();
    assertThat(cells)
        .containsExactly(
            java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(),
            "local-extractive",
            "3",
            "0",
            latencies.get(1).toString(),
            latencies.get(2).toString(),
            Math.round(100.0 * hits / 3) + " %",
            "3",
            "0",
            "0",
            "0");
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
    // knowledge bases are managed with admin keys only: no entry, and the page is refused
    assertThat(browser.findElements(By.id("nav-knowledge"))).isEmpty();
    assertThat(asBrowser(keysLink.replace("/keys.xhtml", "/knowledge.xhtml")).statusCode())
        .isEqualTo(403);
    // a viewer reads keys, provider key hints and prompts but is offered no way to change them
    open("nav-keys");
    assertThat(browser.findElements(By.id("create-key"))).isEmpty();
    open("nav-provider-keys");
    assertThat(browser.findElements(By.id("save-provider-key"))).isEmpty();
    open("nav-prompts");
    assertThat(browser.findElement(By.id("main")).getText()).contains("No prompts yet.");
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
    signInAsOperator();
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

  @Test
  @Order(10)
  void the_operator_watches_a_tier_move_run_and_sees_what_it_did() throws Exception {
    String moveSlug = "move-" + UUID.randomUUID().toString().substring(0, 8);
    String moveTenant = createTenant(moveSlug);
    createUser(moveTenant, "admin@" + moveSlug + ".example", "TENANT_ADMIN");
    signInAsOperator();
    open("nav-tenants");
    // a transaction of the tenant in flight: the move waits for it, and the page says so
    try (java.sql.Connection inFlight = platform.superuser(Platform.DATABASE)) {
      inFlight.setAutoCommit(false);
      TierMoveIT.holdTenantLock(inFlight, moveTenant);
      browser
          .findElement(By.cssSelector("[aria-label='Move " + moveSlug + " to PROFESSIONAL']"))
          .click();
      browser.switchTo().alert().accept();
      waitUpTo(30)
          .ignoring(org.openqa.selenium.WebDriverException.class)
          .until(
              d ->
                  d.findElement(By.id("tier-move-progress"))
                      .getText()
                      .contains(
                          moveSlug
                              + ": Moving from STANDARD to PROFESSIONAL: waiting for the tenant's"
                              + " transactions in flight to finish"));
      assertThat(browser.findElements(By.cssSelector("[aria-label^='Move ']")))
          .as("no second move while one runs")
          .isEmpty();
      Browser.screenshot(browser, "portal-tier-move", 1280);
      inFlight.commit();
    }
    // the page polls on its own: no reload
    String outcome =
        waitUpTo(60)
            .ignoring(org.openqa.selenium.WebDriverException.class)
            .until(d -> d.findElement(By.id("tier-move-outcome")).getText());
    assertThat(outcome)
        .startsWith(moveSlug + ": Moved from STANDARD to PROFESSIONAL: ")
        .contains(" tables (", "rows) copied and verified, writes held for ");
    assertThat(browser.findElements(By.id("tier-move-progress"))).isEmpty();
    assertThat(
            browser
                .findElement(
                    By.xpath(
                        "//table[@id='tenant-list']//tr[contains(., '" + moveSlug + "')]/td[2]"))
                .getText())
        .as("the list shows the new tier")
        .isEqualTo("PROFESSIONAL");
    assertThat(operator.get("/api/v1/tenants/" + moveTenant).json().getString("tier"))
        .isEqualTo("PROFESSIONAL");
    assertThat(operator.all("/api/v1/tenants/" + moveTenant + "/audit"))
        .anyMatch(
            e ->
                entry("tier.create", "operator").test(e)
                    && state(e, "after").getString("tier").equals("PROFESSIONAL"));

    // a move whose page is left before it ends does not stand in the way of the next one
    clickMove(moveSlug, "STANDARD");
    open("nav-tenants");
    long deadline = System.currentTimeMillis() + 60_000;
    while (!operator
            .get("/api/v1/tenants/" + moveTenant)
            .json()
            .getString("tier")
            .equals("STANDARD")
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    open("nav-tenants");
    clickMove(moveSlug, "PROFESSIONAL");
    String again =
        waitUpTo(60)
            .ignoring(org.openqa.selenium.WebDriverException.class)
            .until(d -> d.findElement(By.id("tier-move-outcome")).getText());
    assertThat(again).startsWith(moveSlug + ": Moved from STANDARD to PROFESSIONAL: ");
    assertThat(operator.get("/api/v1/tenants/" + moveTenant).json().getString("tier"))
        .isEqualTo("PROFESSIONAL");
  }

  void clickMove(String tenantSlug, String tier) {
    loadsPage(
        () -> {
          browser
              .findElement(By.cssSelector("[aria-label='Move " + tenantSlug + " to " + tier + "']"))
              .click();
          browser.switchTo().alert().accept();
        });
  }

  /** The tenant's audit log as the admin API answers it. */
  List<jakarta.json.JsonObject> auditLog() {
    return operator.all("/api/v1/tenants/" + tenant + "/audit");
  }

  /** An entry's state before or after: the list answers it as JSON text. */
  static jakarta.json.JsonObject state(jakarta.json.JsonObject entry, String which) {
    return jakarta.json.Json.createReader(new java.io.StringReader(entry.getString(which)))
        .readObject();
  }

  static java.util.function.Predicate<jakarta.json.JsonObject> entry(String action, String actor) {
    return e -> e.getString("action").equals(action) && e.getString("actor").equals(actor);
  }

  @Test
  @Order(11)
  void sign_ins_and_portal_changes_are_in_the_tenants_audit_log() {
    List<jakarta.json.JsonObject> log = auditLog();
    String admin = "user:" + adminId;

    jakarta.json.JsonObject created =
        log.stream().filter(entry("api-keys.create", admin)).findFirst().orElseThrow();
    assertThat(created.getString("reference")).isEqualTo("portal");
    assertThat(created.getString("address")).isEqualTo("127.0.0.1");
    assertThat(created.getString("targetType")).isEqualTo("api-keys");
    assertThat(state(created, "after").getString("name")).isEqualTo("browser-key");
    assertThat(browserKey).isNotBlank();
    assertThat(log.toString()).doesNotContain(browserKey);

    jakarta.json.JsonObject revoked =
        log.stream().filter(entry("api-keys.delete", admin)).findFirst().orElseThrow();
    assertThat(revoked.getString("targetId")).isEqualTo(created.getString("targetId"));
    assertThat(state(revoked, "before").getString("name")).isEqualTo("browser-key");

    assertThat(log).anyMatch(entry("budgets.create", admin));
    assertThat(log)
        .filteredOn(entry("portal.sign-in", admin))
        .as("test 1 and twice in test 9")
        .hasSize(3)
        .allSatisfy(e -> assertThat(state(e, "after").getString("method")).isEqualTo("password"));
    assertThat(log).anyMatch(entry("portal.sign-in", "user:" + viewerId));
    assertThat(log).anyMatch(entry("portal.sign-out.everywhere", admin));
    List<jakarta.json.JsonObject> failed =
        log.stream().filter(entry("portal.sign-in.failed", "anonymous")).toList();
    assertThat(failed).hasSize(6);
    assertThat(failed)
        .allSatisfy(
            e -> assertThat(e.getString("targetId")).isEqualTo("locked@" + slug + ".example"));
    assertThat(failed.stream().map(e -> state(e, "after").getString("reason")))
        .containsExactly("wrong", "wrong", "wrong", "wrong", "locked", "locked");
    // the operator's visit (test 10) changed nothing in this tenant, and the other tenant's log
    // holds none of this tenant's portal entries
    assertThat(operator.all("/api/v1/tenants/" + otherTenant + "/audit"))
        .noneMatch(e -> e.getString("actor").equals(admin));
  }

  @Test
  @Order(12)
  void the_audit_log_page_filters_pages_verifies_and_exports() throws Exception {
    signIn(slug, "admin@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    open("nav-audit");
    int total = auditLog().size();
    assertThat(total).isGreaterThan(10);
    assertThat(browser.findElement(By.id("audit-list")).getText()).contains("anonymous");

    // one actor
    browser.findElement(By.id("audit-actor")).sendKeys("user:" + adminId);
    submit(By.id("audit-show"));
    String filtered = browser.findElement(By.id("audit-list")).getText();
    assertThat(filtered).contains("api-keys.create", "portal.sign-in").doesNotContain("anonymous");
    Browser.screenshot(browser, "portal-audit", 1280);
    Browser.screenshot(browser, "portal-audit-phone", 390);

    // export of that filter: the admin API's lines
    HttpResponse<String> csv =
        asBrowser(browser.findElement(By.id("export-csv")).getAttribute("href"));
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).startsWith("seq,id,created_at,actor,");
    long adminEntries =
        auditLog().stream().filter(e -> e.getString("actor").equals("user:" + adminId)).count();
    assertThat(lines).hasSize((int) adminEntries + 1);
    HttpResponse<String> jsonl =
        asBrowser(browser.findElement(By.id("export-jsonl")).getAttribute("href"));
    assertThat(jsonl.statusCode()).isEqualTo(200);
    assertThat(jsonl.body().lines())
        .hasSize((int) adminEntries)
        .allSatisfy(
            l ->
                assertThat(
                        jakarta.json.Json.createReader(new java.io.StringReader(l))
                            .readObject()
                            .getString("actor"))
                    .isEqualTo("user:" + adminId));

    // pages of ten, oldest first
    browser.findElement(By.id("audit-actor")).clear();
    new Select(browser.findElement(By.id("audit-size"))).selectByValue("10");
    submit(By.id("audit-show"));
    List<Long> first = seqs();
    assertThat(first).hasSize(10).isSorted();
    assertThat(browser.findElements(By.id("audit-previous"))).isEmpty();
    submit(By.id("audit-next"));
    List<Long> second = seqs();
    assertThat(second).isNotEmpty().isSorted();
    assertThat(second.get(0)).isGreaterThan(first.get(9));
    submit(By.id("audit-previous"));
    assertThat(seqs()).isEqualTo(first);

    // the chain
    browser.findElement(By.id("verify-chain")).click();
    WebElement result =
        waitUpTo(60).until(ExpectedConditions.presenceOfElementLocated(By.id("verification")));
    assertThat(result.getText()).contains("Intact");
    long checked =
        Long.parseLong(result.getText().replaceAll("(?s).*?(\\d+) entries checked.*", "$1"));
    assertThat(checked).isGreaterThanOrEqualTo(total);

    // another tenant's log and export: not found
    String link = browser.findElement(By.id("nav-audit")).getAttribute("href");
    assertThat(asBrowser(link).statusCode()).isEqualTo(200);
    HttpResponse<String> other = asBrowser(link.replace(tenant, otherTenant));
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).doesNotContain(otherSlug);
    assertThat(asBrowser("/portal/audit.export?format=csv&tenant=" + otherTenant).statusCode())
        .isEqualTo(404);
  }

  /** Presses a button of the page and waits for the page it answers with. */
  void submit(By button) {
    loadsPage(() -> browser.findElement(button).click());
  }

  /** Presses a button that asks for confirmation, confirms, and waits for the page. */
  void submitConfirmed(By button) {
    loadsPage(
        () -> {
          browser.findElement(button).click();
          browser.switchTo().alert().accept();
        });
  }

  List<Long> seqs() {
    return browser.findElements(By.cssSelector("#audit-list tbody tr td:first-child")).stream()
        .map(td -> Long.parseLong(td.getText().strip()))
        .toList();
  }

  @Test
  @Order(13)
  void the_decision_log_page_searches_and_opens_a_request() throws Exception {
    // decisions are written in batches off the request path
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    open("nav-decisions");
    while (browser.findElements(By.cssSelector("#decision-list tbody tr")).size() < 3
        && System.nanoTime() < deadline) {
      Thread.sleep(300);
      open("nav-decisions");
    }
    WebElement list = browser.findElement(By.id("decision-list"));
    assertThat(list.findElements(By.cssSelector("tbody tr"))).hasSize(3);
    assertThat(list.getText()).contains("local-extractive", "primary", "ok");

    new Select(browser.findElement(By.id("decision-outcome"))).selectByValue("error");
    submit(By.id("decision-search"));
    assertThat(browser.findElements(By.id("decision-list"))).isEmpty();
    assertThat(browser.findElement(By.id("main")).getText()).contains("No requests match.");

    new Select(browser.findElement(By.id("decision-outcome"))).selectByValue("ok");
    browser.findElement(By.id("decision-model")).sendKeys("local-extractive");
    submit(By.id("decision-search"));
    WebElement firstRow =
        browser.findElement(By.cssSelector("#decision-list tbody tr:first-child"));
    String requestId = firstRow.findElement(By.tagName("code")).getText().strip();
    submit(By.cssSelector("#decision-list tbody tr:first-child input[type=submit]"));
    WebElement detail =
        waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.id("decision-detail")));
    assertThat(detail.getText()).contains(requestId, "Latency", " ms", "primary");
    assertThat(browser.findElement(By.id("detail-outcome")).getText()).startsWith("ok");
    assertThat(browser.findElement(By.id("detail-model")).getText()).contains("local-extractive");
    // its one upstream attempt and the guardrails' verdicts, written out (not a record's toString)
    assertThat(browser.findElement(By.id("detail-attempts")).getText())
        .contains("local-extractive", ": ok")
        .doesNotContain("DecisionAttempt[");
    assertThat(browser.findElement(By.id("detail-guardrails")).getText())
        .contains("passed", "prompt_injection (MONITOR)")
        .doesNotContain("DecisionGuardrails[");
    Browser.screenshot(browser, "portal-decisions", 1280);

    // a request id of no request here
    browser.findElement(By.id("request-id")).sendKeys("chatcmpl-not-" + UUID.randomUUID());
    submit(By.id("open-request"));
    assertThat(browser.findElements(By.id("decision-detail"))).isEmpty();
    assertThat(browser.findElement(By.id("main")).getText()).contains("No decision");
  }

  @Test
  @Order(14)
  void a_developer_sees_neither_log() throws Exception {
    signIn(slug, "dev@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    assertThat(browser.findElements(By.id("nav-audit"))).isEmpty();
    assertThat(browser.findElements(By.id("nav-decisions"))).isEmpty();
    String keysLink = browser.findElement(By.id("nav-keys")).getAttribute("href");
    assertThat(asBrowser(keysLink.replace("/keys.xhtml", "/audit.xhtml")).statusCode())
        .isEqualTo(403);
    assertThat(asBrowser(keysLink.replace("/keys.xhtml", "/decisions.xhtml")).statusCode())
        .isEqualTo(403);
    assertThat(asBrowser("/portal/audit.export?tenant=" + tenant).statusCode()).isEqualTo(403);
  }

  Api.Reply put(String path, String json) {
    return operator.send(
        operator
            .request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  int productionVersion() {
    Api.Reply r = operator.get("/api/v1/tenants/" + tenant + "/prompts/greeting");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonObject("labels").getInt("production");
  }

  @Test
  @Order(15)
  void prompts_compare_versions_and_a_protected_label_moves_only_with_a_second_admin()
      throws Exception {
    String p = "/api/v1/tenants/" + tenant + "/prompts";
    assertThat(
            operator
                .post(
                    p,
                    "{\"name\":\"greeting\",\"template\":[{\"role\":\"user\",\"content\":\"Hello {{who}}\"}],"
                        + "\"variables\":[{\"name\":\"who\"}],\"message\":\"first\"}")
                .status())
        .isEqualTo(201);
    assertThat(
            operator
                .post(
                    p + "/greeting/versions",
                    "{\"template\":[{\"role\":\"user\",\"content\":\"Hi there {{who}}\"}],"
                        + "\"variables\":[{\"name\":\"who\"}],\"message\":\"friendlier\"}")
                .status())
        .isEqualTo(201);
    // production at v1: proposed by the operator, approved by an admin key (a second actor)
    Api.Reply proposed = put(p + "/greeting/labels/production", "{\"version\":1}");
    assertThat(proposed.status()).as(proposed.toString()).isEqualTo(202);
    String requestId = proposed.json().getJsonObject("pending").getString("id");
    Api adminKey = operator.as(operator.createKey(tenant, "admin")[1]);
    Api.Reply approved =
        adminKey.post(p + "/greeting/label-requests/" + requestId + "/approve", "{}");
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    assertThat(productionVersion()).isEqualTo(1);

    signIn(slug, "admin@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    open("nav-prompts");
    assertThat(browser.findElement(By.id("prompt-list")).getText()).contains("greeting");
    submit(By.cssSelector("#prompt-list input[aria-label='Open prompt greeting']"));
    assertThat(browser.findElements(By.cssSelector("#version-list tbody tr"))).hasSize(2);

    // the diff of v1 and v2 (the defaults)
    submit(By.id("show-diff"));
    String diff = browser.findElement(By.id("diff")).getText();
    assertThat(diff).contains("-", "Hello {{who}}", "+", "Hi there {{who}}");

    // a protected label: the move waits for someone else
    assertThat(
            new Select(browser.findElement(By.id("move-version")))
                .getFirstSelectedOption()
                .getText())
        .isEqualTo("v2");
    submit(By.id("propose-move"));
    assertThat(browser.findElement(By.id("main")).getText())
        .contains("waits for another tenant admin");
    assertThat(browser.findElement(By.id("label-requests")).getText()).contains("PENDING");
    Browser.screenshot(browser, "portal-prompts", 1280);
    submit(By.cssSelector("#label-requests input[value='Approve']"));
    assertThat(browser.findElement(By.id("main")).getText()).contains("second person");
    assertThat(productionVersion()).as("the proposer cannot approve").isEqualTo(1);

    signIn(slug, "admin2@" + slug + ".example", PASSWORD);
    waitUpTo(20).until(ExpectedConditions.urlContains("/portal/index.xhtml"));
    open("nav-prompts");
    submit(By.cssSelector("#prompt-list input[aria-label='Open prompt greeting']"));
    submit(By.cssSelector("#label-requests input[value='Approve']"));
    assertThat(browser.findElement(By.id("main")).getText()).contains("Approved");
    assertThat(productionVersion()).isEqualTo(2);

    new Select(browser.findElement(By.id("rollback-label"))).selectByValue("production");
    submitConfirmed(By.id("rollback"));
    assertThat(productionVersion()).isEqualTo(1);

    // the registry audited both people's actions under their portal identities
    List<jakarta.json.JsonObject> log = auditLog();
    assertThat(log)
        .anyMatch(
            e ->
                e.getString("actor").equals("user:" + adminId)
                    && e.getString("action").startsWith("prompt"));
    assertThat(log)
        .filteredOn(e -> e.getString("actor").equals("user:" + admin2Id))
        .extracting(e -> e.getString("action"))
        .anyMatch(a -> a.startsWith("prompt"))
        .hasSizeGreaterThanOrEqualTo(3); // sign-in, approval, rollback

    String link = browser.findElement(By.id("nav-prompts")).getAttribute("href");
    assertThat(asBrowser(link.replace(tenant, otherTenant)).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(16)
  void an_admin_sets_replaces_and_deletes_a_provider_key_that_is_never_shown_back()
      throws Exception {
    Api.Reply provider =
        operator.post(
            "/api/v1/providers",
            "{\"name\":\"byok-portal-"
                + System.nanoTime()
                + "\",\"kind\":\"openai\",\"baseUrl\":\"http://127.0.0.1:9/v1\","
                + "\"apiKey\":\"sk-platform\"}");
    assertThat(provider.status()).as(provider.toString()).isEqualTo(201);
    String providerId = provider.json().getString("id");
    String keysPath = "/api/v1/tenants/" + tenant + "/provider-keys";
    try {
      // admin2 is signed in (test 15)
      open("nav-provider-keys");
      String first = "sk-portal-" + UUID.randomUUID() + "-wxyz";
      new Select(browser.findElement(By.id("key-provider"))).selectByValue(providerId);
      browser.findElement(By.id("provider-api-key")).sendKeys(first);
      submit(By.id("save-provider-key"));
      assertThat(browser.findElement(By.id("provider-key-list")).getText()).contains("…wxyz");
      assertThat(browser.getPageSource()).doesNotContain(first);
      assertThat(browser.findElement(By.id("provider-api-key")).getAttribute("value")).isEmpty();
      assertThat(operator.get(keysPath).body()).contains(providerId).doesNotContain(first);
      Browser.screenshot(browser, "portal-provider-keys", 1280);
      Browser.screenshot(browser, "portal-provider-keys-phone", 390);

      String second = "sk-portal-" + UUID.randomUUID() + "-abcd";
      new Select(browser.findElement(By.id("key-provider"))).selectByValue(providerId);
      browser.findElement(By.id("provider-api-key")).sendKeys(second);
      submit(By.id("save-provider-key"));
      assertThat(browser.findElement(By.id("main")).getText()).contains("Key replaced");
      assertThat(browser.findElement(By.id("provider-key-list")).getText())
          .contains("…abcd")
          .doesNotContain("…wxyz");

      submitConfirmed(By.cssSelector("#provider-key-list input[value='Delete']"));
      assertThat(browser.findElements(By.id("provider-key-list"))).isEmpty();
      assertThat(operator.get(keysPath).body()).doesNotContain(providerId);

      List<jakarta.json.JsonObject> log = auditLog();
      String admin2 = "user:" + admin2Id;
      assertThat(log).filteredOn(entry("provider-keys.replace", admin2)).hasSize(2);
      assertThat(log).filteredOn(entry("provider-keys.delete", admin2)).hasSize(1);
      assertThat(log.toString()).doesNotContain(first).doesNotContain(second);

      String link = browser.findElement(By.id("nav-provider-keys")).getAttribute("href");
      assertThat(asBrowser(link.replace(tenant, otherTenant)).statusCode()).isEqualTo(404);
    } finally {
      operator.delete("/api/v1/providers/" + providerId);
    }
  }

  @Test
  @Order(17)
  void an_admin_uploads_a_document_watches_it_ingest_and_restricts_who_reads_it() throws Exception {
    // admin2 is signed in (test 15)
    String name = "handbook-" + UUID.randomUUID().toString().substring(0, 8);
    open("nav-knowledge");
    browser.findElement(By.id("kb-name")).sendKeys(name);
    submit(By.id("create-kb"));
    assertThat(browser.findElement(By.id("kb-list")).getText()).contains(name);
    submit(By.cssSelector("#kb-list input[aria-label='Open knowledge base " + name + "']"));

    java.nio.file.Path doc = Settings.WORK.resolve("travel-policy.md").toAbsolutePath();
    java.nio.file.Files.createDirectories(doc.getParent());
    java.nio.file.Files.writeString(
        doc,
        "# Travel policy\n\nHotels are reimbursed up to 180 credits per night.\n\n"
            + "## Trains\n\nSecond class for trips under four hours.\n");
    browser.findElement(By.id("document-file")).sendKeys(doc.toString());
    browser.findElement(By.id("document-title")).sendKeys("Travel policy");
    submit(By.id("upload-document"));
    assertThat(browser.findElement(By.id("document-list")).getText()).contains("Travel policy");
    // the page polls while the document is ingested
    waitUpTo(120)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("document-list"), "ready"));
    assertThat(browser.findElement(By.id("document-list")).getText()).contains("chunks");

    submit(By.cssSelector("#document-list input[aria-label='Edit who may read Travel policy']"));
    WebElement inherit = browser.findElement(By.id("acl-inherit"));
    assertThat(inherit.isSelected()).isTrue();
    inherit.click();
    browser.findElements(By.cssSelector("#acl-roles input[type=checkbox]")).stream()
        .filter(c -> "VIEWER".equals(c.getAttribute("value")))
        .findFirst()
        .orElseThrow()
        .click();
    browser.findElement(By.id("acl-groups")).sendKeys("legal");
    submit(By.id("save-acl"));
    assertThat(browser.findElement(By.id("document-list")).getText())
        .contains("roles: VIEWER; groups: legal");
    Browser.screenshot(browser, "portal-knowledge", 1280);
    Browser.screenshot(browser, "portal-knowledge-phone", 390);

    // what the retrieval API says now
    Api admin = operator.as(operator.createKey(tenant, "admin")[1]);
    jakarta.json.JsonObject kb =
        admin.get("/v1/retrieval/knowledge_bases").json().getJsonArray("data").stream()
            .map(jakarta.json.JsonValue::asJsonObject)
            .filter(k -> k.getString("name").equals(name))
            .findFirst()
            .orElseThrow();
    jakarta.json.JsonObject stored =
        admin
            .get("/v1/retrieval/knowledge_bases/" + kb.getString("id") + "/documents")
            .json()
            .getJsonArray("data")
            .getJsonObject(0);
    assertThat(stored.getString("status")).isEqualTo("ready");
    assertThat(stored.getJsonObject("acl").getJsonArray("roles").getString(0)).isEqualTo("VIEWER");
    assertThat(stored.getJsonObject("acl").getJsonArray("groups").getString(0)).isEqualTo("legal");
    assertThat(auditLog())
        .anyMatch(entry("documents.create", "user:" + admin2Id))
        .anyMatch(entry("documents.update", "user:" + admin2Id));

    String link = browser.findElement(By.id("nav-knowledge")).getAttribute("href");
    assertThat(asBrowser(link.replace(tenant, otherTenant)).statusCode()).isEqualTo(404);
  }
}

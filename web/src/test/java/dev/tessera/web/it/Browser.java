package dev.tessera.web.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by Selenium through Debian's chromedriver (installed by
 * .ci/run; no Selenium Manager download), with a profile of its own under the test's work
 * directory.
 */
final class Browser {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private Browser() {}

  static ChromeDriver start(String name) throws Exception {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException(
          "The portal's browser tests need Debian's Chromium: apt-get install -y chromium"
              + " chromium-driver (.ci/run installs them)");
    }
    Path profile = Settings.WORK.resolve("chromium-" + name).toAbsolutePath();
    Files.createDirectories(profile);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(Settings.WORK.resolve("chromedriver-" + name + ".log").toFile())
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().implicitlyWait(Duration.ZERO);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return driver;
  }

  /**
   * Saves a screenshot at this width (1280: a laptop; 390: a phone) under target/it/screenshots,
   * and under {@code -Dtessera.it.screenshots=<dir>} too (how docs/screenshots is refreshed).
   */
  static void screenshot(ChromeDriver driver, String name, int width) throws Exception {
    Dimension before = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(width, 900));
    long height =
        ((Number)
                driver.executeScript(
                    "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"))
            .longValue();
    driver.manage().window().setSize(new Dimension(width, (int) Math.min(2400, height + 20)));
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Path dir = Settings.WORK.resolve("screenshots");
    Files.createDirectories(dir);
    Files.write(dir.resolve(name + ".png"), png);
    String docs = System.getProperty("tessera.it.screenshots");
    if (docs != null && !docs.isBlank()) {
      Path d = Path.of(docs);
      Files.createDirectories(d);
      Files.write(d.resolve(name + ".png"), png);
    }
    driver.manage().window().setSize(before);
  }
}

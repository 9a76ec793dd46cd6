package dev.tessera.web.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alerting rules in ops/prometheus pass their promtool unit tests (fire when they
 * should, resolve when the condition clears). Skipped, saying so, where promtool is not installed
 * (ops/prometheus/test-rules.sh installs it from Debian's prometheus package).
 */
class AlertRulesTest {
  static final Path RULES = Path.of("..", "ops", "prometheus");

  @Test
  void alert_rules_pass_their_promtool_tests() throws Exception {
    Path promtool = onPath("promtool");
    Assumptions.assumeTrue(
        promtool != null, "promtool not installed: run ops/prometheus/test-rules.sh");
    for (String[] args :
        new String[][] {
          {"check", "rules", "tessera-alerts.yml"}, {"test", "rules", "tessera-alerts.test.yml"}
        }) {
      ProcessBuilder pb = new ProcessBuilder(promtool.toString());
      pb.command().addAll(java.util.List.of(args));
      Process p = pb.directory(RULES.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out).contains("SUCCESS");
    }
  }

  private static Path onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}

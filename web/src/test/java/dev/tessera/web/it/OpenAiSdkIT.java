package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Node SDK (npm {@code openai} 6.x), unmodified, against the running platform:
 * chat, streaming, tools, JSON schema output, embeddings, models and its typed errors. The
 * JavaScript lives in sdk-tests/openai; its packages are installed by .ci/run (or here if missing).
 */
class OpenAiSdkIT {
  static final Path SUITE = LauncherIT.ROOT.resolve("sdk-tests/openai");

  @Test
  void the_official_openai_sdk_works_unchanged() throws Exception {
    Platform platform = Platform.get();
    Api operator = platform.operator();
    String tenant = operator.createTenant("STANDARD");
    String key = operator.createKey(tenant, "inference")[1];
    String small =
        operator.createTenant("STANDARD", "{\"tokensPerMinute\":600,\"keyTokensPerMinute\":600}");
    String limitedKey = operator.createKey(small, "inference")[1];

    if (!Files.isDirectory(SUITE.resolve("node_modules/openai"))) {
      run(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund"), "npm-ci.log");
    }
    ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-reporter=spec");
    node.environment().put("TESSERA_BASE_URL", platform.a.baseUrl() + "/v1");
    node.environment().put("TESSERA_KEY", key);
    node.environment().put("TESSERA_LIMITED_KEY", limitedKey);
    String output = run(node, "openai-sdk.log");
    assertThat(output).contains("fail 0").containsPattern("pass [1-9][0-9]*");
  }

  private static String run(ProcessBuilder pb, String logName) throws Exception {
    Path log = Settings.WORK.resolve(logName).toAbsolutePath();
    Files.createDirectories(log.getParent());
    Process p =
        pb.directory(SUITE.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("finished in time").isTrue();
    String output = Files.readString(log);
    assertThat(p.exitValue()).as(String.join(" ", pb.command()) + ":\n" + output).isZero();
    return output;
  }
}

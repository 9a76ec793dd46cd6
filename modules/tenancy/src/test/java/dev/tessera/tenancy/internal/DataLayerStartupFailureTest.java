package dev.tessera.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tenancy.api.UnavailableException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data layer that cannot start says so to anyone asking (/health/ready, 503 bodies) without the
 * internal cause: hosts, ports, database names and driver texts stay in the operator's log.
 */
class DataLayerStartupFailureTest {

  @Test
  void health_detail_and_503s_do_not_carry_the_startup_exception_text(@TempDir Path dir) {
    PlatformSettings settings = new PlatformSettings();
    settings.dataDir = dir.toString();
    // nothing listens on port 1: the connection fails with a driver message naming host and port
    settings.dbUrl = Optional.of("jdbc:postgresql://127.0.0.1:1/internal_db_name");
    settings.replicaUrl = Optional.empty();
    settings.dbUser = "postgres";
    settings.dbPassword = Optional.of("pw");
    settings.appPassword = Optional.of("app-pw");
    LocalSecrets secrets = new LocalSecrets();
    secrets.settings = settings;
    DataLayerStartup platform = new DataLayerStartup();
    platform.settings = settings;
    platform.secrets = secrets;

    platform.start();

    assertThat(platform.ready()).isFalse();
    assertThat(platform.detail())
        .contains("TENANCY-0021")
        .doesNotContain("127.0.0.1")
        .doesNotContain("internal_db_name")
        .doesNotContainIgnoringCase("connection");
    assertThatThrownBy(platform::store)
        .isInstanceOf(UnavailableException.class)
        .message()
        .doesNotContain("127.0.0.1")
        .doesNotContainIgnoringCase("connection");
  }
}

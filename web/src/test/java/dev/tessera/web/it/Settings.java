package dev.tessera.web.it;

import java.nio.file.Path;

/** Where the build put what the integration tests run (set by failsafe in web/pom.xml). */
final class Settings {
  static final Path WAR = Path.of(System.getProperty("tessera.it.war", "target/tessera.war"));
  static final Path MICRO =
      Path.of(System.getProperty("tessera.it.micro", "target/runtime/payara-micro.jar"));
  static final Path WORK = Path.of(System.getProperty("tessera.it.work", "target/it"));

  /** Payara settings every start uses, as ./tessera starts it (after the listener's address). */
  static final Path PAYARA_PREBOOT = Path.of("..", "ops", "payara-preboot.txt");

  static final String ADMIN_TOKEN = "it-operator-token-0123456789";
  static final String APP_PASSWORD = "it-app-password";

  /** The data grid secret every node of the test cluster shares (see Node#clusterName). */
  static final String CLUSTER_SECRET = "it-cluster-secret-0123456789abcdef";

  /** One key ring for every node: instances sharing a database must share their master keys. */
  static final String MASTER_KEYS = "it:" + "aXQtbWFzdGVyLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE=";

  private Settings() {}
}

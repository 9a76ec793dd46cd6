package dev.tessera.web.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data grid admits only what knows the cluster secret (issue 8, item 7): an outsider that can
 * reach node A's cluster port, trying Payara's default grid name or one derived from a wrong
 * secret, can neither join as a member nor connect as a client (so it can read or poison no
 * tenant's cached answers or counters). Everything here is on loopback, with no multicast.
 */
class ClusterSecretIT {
  static Platform platform;

  @BeforeAll
  static void start() {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    System.setProperty("hazelcast.socket.bind.any", "false");
    platform = Platform.get();
  }

  static List<String> outsiderNames() {
    // Payara's default grid name, and the name a wrong secret gives
    return List.of("development", Node.clusterName("not-the-cluster-secret-at-all"));
  }

  @Test
  void a_member_with_the_wrong_secret_cannot_join() throws Exception {
    for (String name : outsiderNames()) {
      Config config = new Config();
      config.setClusterName(name);
      config.setProperty("hazelcast.logging.type", "jdk");
      config.setProperty("hazelcast.phone.home.enabled", "false");
      config.setProperty("hazelcast.socket.bind.any", "false");
      config.setProperty("hazelcast.max.join.seconds", "10");
      config.getNetworkConfig().setPort(Node.freePort()).setPortAutoIncrement(false);
      config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
      JoinConfig join = config.getNetworkConfig().getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig()
          .setEnabled(true)
          .setConnectionTimeoutSeconds(5)
          .addMember("127.0.0.1:" + platform.a.clusterPort);
      HazelcastInstance outsider = Hazelcast.newHazelcastInstance(config);
      try {
        assertThat(outsider.getCluster().getMembers())
            .as("members an outsider named '" + name + "' sees")
            .hasSize(1);
      } finally {
        outsider.shutdown();
      }
    }
  }

  @Test
  void a_client_with_the_wrong_secret_cannot_connect() {
    for (String name : outsiderNames()) {
      ClientConfig config = new ClientConfig();
      config.setClusterName(name);
      config.setProperty("hazelcast.logging.type", "jdk");
      config.setProperty("hazelcast.phone.home.enabled", "false");
      config.getNetworkConfig().addAddress("127.0.0.1:" + platform.a.clusterPort);
      config
          .getConnectionStrategyConfig()
          .getConnectionRetryConfig()
          .setClusterConnectTimeoutMillis(5_000);
      assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(config).shutdown())
          .as("a client named '" + name + "'")
          .isInstanceOf(IllegalStateException.class);
    }
  }
}

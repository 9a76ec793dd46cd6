package dev.tessera.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tenancy.api.InvalidInputException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DefaultWebhookTargetsTest {
  /** Names resolve here, never through DNS: what a name points to is the test's to decide. */
  private final Map<String, InetAddress[]> dns = new HashMap<>();

  private DefaultWebhookTargets targets(String allowed) {
    return new DefaultWebhookTargets(
        allowed == null ? List.of() : DefaultWebhookTargets.Cidr.parseAll(allowed),
        host -> dns.containsKey(host) ? dns.get(host) : literal(host));
  }

  private static InetAddress[] literal(String host) {
    if (!host.matches("[0-9a-fA-F:.]+")) {
      return null; // an unknown name does not resolve
    }
    try {
      return new InetAddress[] {InetAddress.getByName(host)};
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static InetAddress ip(String literal) {
    return literal(literal)[0];
  }

  @Test
  void private_loopback_link_local_and_reserved_addresses_are_refused() {
    DefaultWebhookTargets t = targets(null);
    for (String url :
        List.of(
            "http://127.0.0.1/hook",
            "http://127.8.9.10:8080/hook",
            "http://0.0.0.0/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://172.31.255.255/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fd12:3456::1]/",
            "http://[fe80::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a9fe:a9fe]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:0a00:0001::1]/")) {
      assertThatThrownBy(() -> t.check("webhook_url", url))
          .as(url)
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("private");
      assertThat(t.deliverable(URI.create(url))).as(url).isFalse();
    }
  }

  @Test
  void public_addresses_are_allowed() {
    DefaultWebhookTargets t = targets(null);
    for (String url :
        List.of(
            "https://93.184.215.14/hook",
            "http://172.32.0.1/",
            "http://100.128.0.1/",
            "http://[2606:4700:4700::1111]/",
            "http://[2002:5db8:d70e::1]/")) {
      assertThat(t.check("webhook_url", url)).as(url).isEqualTo(URI.create(url));
      assertThat(t.deliverable(URI.create(url))).as(url).isTrue();
    }
  }

  @Test
  void a_name_is_judged_by_every_address_it_resolves_to_at_registration_and_at_delivery() {
    DefaultWebhookTargets t = targets(null);
    dns.put("hooks.example.com", new InetAddress[] {ip("93.184.215.14")});
    dns.put("mixed.example.com", new InetAddress[] {ip("93.184.215.14"), ip("10.0.0.5")});
    assertThat(t.check("url", "https://hooks.example.com/x")).isNotNull();
    assertThatThrownBy(() -> t.check("url", "https://mixed.example.com/x"))
        .isInstanceOf(InvalidInputException.class);
    // rebinding after registration: the delivery check sees the new address
    dns.put("hooks.example.com", new InetAddress[] {ip("169.254.169.254")});
    assertThat(t.deliverable(URI.create("https://hooks.example.com/x"))).isFalse();
    assertThatThrownBy(() -> t.check("url", "https://nowhere.invalid/x"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not resolve");
    assertThat(t.deliverable(URI.create("https://nowhere.invalid/x"))).isFalse();
  }

  @Test
  void the_operator_may_allow_networks() {
    DefaultWebhookTargets t = targets("127.0.0.1/32, 10.20.0.0/16,fd00:1::/64");
    assertThat(t.check("u", "http://127.0.0.1:9000/h")).isNotNull();
    assertThat(t.check("u", "http://10.20.255.1/h")).isNotNull();
    assertThat(t.check("u", "http://[fd00:1::abcd]/h")).isNotNull();
    for (String url :
        List.of("http://127.0.0.2/", "http://10.21.0.1/", "http://[fd00:2::1]/", "http://[::1]/")) {
      assertThatThrownBy(() -> t.check("u", url)).as(url).isInstanceOf(InvalidInputException.class);
    }
  }

  @Test
  void only_absolute_http_urls_without_credentials() {
    DefaultWebhookTargets t = targets(null);
    for (String url :
        List.of(
            "file:///etc/passwd",
            "ftp://93.184.215.14/",
            "/relative/hook",
            "http://user:pw@93.184.215.14/",
            "https://93.184.215.14/" + "a".repeat(2048),
            "http://bad host/")) {
      assertThatThrownBy(() -> t.check("webhookUrl", url))
          .as(url)
          .isInstanceOf(InvalidInputException.class)
          .satisfies(
              e ->
                  assertThat(((InvalidInputException) e).errors().get(0).field())
                      .isEqualTo("webhookUrl"));
    }
  }

  @Test
  void a_malformed_network_setting_is_refused_without_a_lookup() {
    for (String bad : List.of("10.0.0.0/33", "not-a-network", "10.0.0.0/x", "example.com/24")) {
      assertThatThrownBy(() -> new DefaultWebhookTargets(Optional.of(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(new DefaultWebhookTargets(Optional.of(" ")).check("u", "http://8.8.8.8/"))
        .isNotNull();
  }
}

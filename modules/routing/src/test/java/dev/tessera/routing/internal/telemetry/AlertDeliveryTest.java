package dev.tessera.routing.internal.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * In-process alerts against stub receivers speaking PagerDuty's Events API v2 and a signed webhook:
 * an alert fires once, is not sent again while it keeps firing, resolves when it clears, and a
 * receiver that failed gets it on a later round.
 */
class AlertDeliveryTest {
  static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
  static final AlertDelivery.Alert BREAKER =
      new AlertDelivery.Alert(
          "tessera/breaker-open/m@u", "Circuit breaker of m@u is open", "page", "m@u");

  WireMockServer stub;
  AlertDelivery delivery;

  @BeforeEach
  void start() {
    stub = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    stub.start();
    stub.stubFor(post(urlEqualTo("/pd")).willReturn(aResponse().withStatus(202)));
    stub.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    delivery =
        new AlertDelivery(
            List.of(
                AlertReceivers.pagerDuty(URI.create(stub.baseUrl() + "/pd"), "rk-1", u -> true),
                AlertReceivers.webhook(URI.create(stub.baseUrl() + "/hook"), SECRET, u -> true)));
  }

  @AfterEach
  void stop() {
    stub.stop();
  }

  @Test
  void fires_once_is_deduplicated_and_resolves_when_clear() throws Exception {
    delivery.round(List.of(BREAKER));
    delivery.round(List.of(BREAKER));
    delivery.round(List.of(BREAKER));
    List<JsonObject> pd = bodies("/pd");
    assertThat(pd).hasSize(1);
    assertThat(pd.get(0).getString("event_action")).isEqualTo("trigger");
    assertThat(pd.get(0).getString("routing_key")).isEqualTo("rk-1");
    assertThat(pd.get(0).getString("dedup_key")).isEqualTo(BREAKER.key());
    assertThat(pd.get(0).getJsonObject("payload").getString("severity")).isEqualTo("critical");
    assertThat(pd.get(0).getJsonObject("payload").getString("summary")).contains("open");
    List<LoggedRequest> hooks = stub.findAll(postRequestedFor(urlEqualTo("/hook")));
    assertThat(hooks).hasSize(1);
    assertSigned(hooks.get(0));
    assertThat(json(hooks.get(0)).getString("type")).isEqualTo("alert.firing");

    delivery.round(List.of());
    delivery.round(List.of());
    pd = bodies("/pd");
    assertThat(pd).hasSize(2);
    assertThat(pd.get(1).getString("event_action")).isEqualTo("resolve");
    assertThat(pd.get(1).getString("dedup_key")).isEqualTo(BREAKER.key());
    hooks = stub.findAll(postRequestedFor(urlEqualTo("/hook")));
    assertThat(hooks).hasSize(2);
    assertThat(json(hooks.get(1)).getString("type")).isEqualTo("alert.resolved");
    assertSigned(hooks.get(1));
    assertThat(delivery.firing()).isEmpty();
  }

  @Test
  void a_receiver_that_fails_gets_the_alert_on_a_later_round() throws Exception {
    stub.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(503)));
    delivery.round(List.of(BREAKER));
    assertThat(bodies("/pd")).hasSize(1); // the other receiver is not held up
    stub.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    delivery.round(List.of(BREAKER));
    List<LoggedRequest> hooks = stub.findAll(postRequestedFor(urlEqualTo("/hook")));
    assertThat(hooks).hasSize(2);
    // the same message both times: receivers deduplicate on webhook-id
    assertThat(hooks.get(1).getHeader("webhook-id"))
        .isEqualTo(hooks.get(0).getHeader("webhook-id"));
    assertThat(bodies("/pd")).hasSize(1);
  }

  @Test
  void a_target_the_network_rules_refuse_is_never_called() {
    AlertDelivery refused =
        new AlertDelivery(
            List.of(
                AlertReceivers.webhook(URI.create(stub.baseUrl() + "/hook"), SECRET, u -> false)));
    refused.round(List.of(BREAKER));
    assertThat(stub.findAll(postRequestedFor(urlEqualTo("/hook")))).isEmpty();
  }

  private List<JsonObject> bodies(String path) {
    return stub.findAll(postRequestedFor(urlEqualTo(path))).stream()
        .map(AlertDeliveryTest::json)
        .toList();
  }

  private static JsonObject json(LoggedRequest r) {
    try (var reader = Json.createReader(new StringReader(r.getBodyAsString()))) {
      return reader.readObject();
    }
  }

  private static void assertSigned(LoggedRequest r) throws Exception {
    String id = r.getHeader("webhook-id");
    String ts = r.getHeader("webhook-timestamp");
    String expected =
        "v1,"
            + AlertReceivers.hmac(
                AlertReceivers.secretKey(SECRET), id + "." + ts + "." + r.getBodyAsString());
    assertThat(r.getHeader("webhook-signature")).isEqualTo(expected);
  }
}

package dev.tessera.routing.internal.telemetry;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two kinds of alert receivers: PagerDuty's Events API v2 and a generic webhook signed the
 * Standard Webhooks way (as Tessera's batch and budget webhooks). Both refuse targets the webhook
 * network rules refuse, checked before every delivery; redirects are never followed.
 */
public final class AlertReceivers {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  private AlertReceivers() {}

  /** PagerDuty Events API v2: trigger and resolve, deduplicated on the alert's key. */
  public static AlertDelivery.Receiver pagerDuty(
      URI url, String routingKey, Predicate<URI> deliverable) {
    return new AlertDelivery.Receiver() {
      @Override
      public String name() {
        return "pagerduty";
      }

      @Override
      public void send(boolean firing, AlertDelivery.Alert a, String messageId) throws Exception {
        JsonObjectBuilder event =
            Json.createObjectBuilder()
                .add("routing_key", routingKey)
                .add("event_action", firing ? "trigger" : "resolve")
                .add("dedup_key", a.key());
        if (firing) {
          event.add(
              "payload",
              Json.createObjectBuilder()
                  .add("summary", a.summary())
                  .add("source", a.source())
                  .add("severity", "page".equals(a.severity()) ? "critical" : "warning")
                  .add("component", "tessera"));
        }
        post(url, event.build().toString(), null, deliverable);
      }
    };
  }

  /**
   * A generic webhook: {@code {"type":"alert.firing"|"alert.resolved","alert":{…}}}, signed with
   * {@code secret} ({@code whsec_…}) in the {@code webhook-id}, {@code webhook-timestamp} and
   * {@code webhook-signature} headers.
   */
  public static AlertDelivery.Receiver webhook(URI url, String secret, Predicate<URI> deliverable) {
    byte[] key = secretKey(secret);
    return new AlertDelivery.Receiver() {
      @Override
      public String name() {
        return "webhook";
      }

      @Override
      public void send(boolean firing, AlertDelivery.Alert a, String messageId) throws Exception {
        String body =
            Json.createObjectBuilder()
                .add("type", firing ? "alert.firing" : "alert.resolved")
                .add(
                    "alert",
                    Json.createObjectBuilder()
                        .add("key", a.key())
                        .add("summary", a.summary())
                        .add("severity", a.severity())
                        .add("source", a.source()))
                .add("at", Instant.now().toString())
                .build()
                .toString();
        String id = "alert_" + messageId;
        String ts = Long.toString(Instant.now().getEpochSecond());
        String sig = "v1," + hmac(key, id + "." + ts + "." + body);
        post(
            url,
            body,
            new String[] {"webhook-id", id, "webhook-timestamp", ts, "webhook-signature", sig},
            deliverable);
      }
    };
  }

  static byte[] secretKey(String secret) {
    String s = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    return Base64.getDecoder().decode(s);
  }

  static String hmac(byte[] key, String content) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return Base64.getEncoder()
        .encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
  }

  private static void post(URI url, String body, String[] headers, Predicate<URI> deliverable)
      throws Exception {
    if (!deliverable.test(url)) {
      throw new IllegalStateException(
          "target refused by the webhook network rules: " + url.getHost());
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(url)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (headers != null) {
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
    }
    HttpResponse<Void> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException("HTTP " + r.statusCode());
    }
  }
}

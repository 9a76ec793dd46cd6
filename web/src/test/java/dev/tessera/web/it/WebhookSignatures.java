package dev.tessera.web.it;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver's check, written from the Standard Webhooks specification rather than from
 * Tessera's code: base64(HMAC-SHA256(base64-decoded secret after "whsec_", id.timestamp.body)),
 * compared in constant time with each space-separated "v1," signature; timestamps older or newer
 * than five minutes are refused.
 */
final class WebhookSignatures {
  private WebhookSignatures() {}

  static boolean verified(LoggedRequest request, String secret) throws Exception {
    String id = request.getHeader("webhook-id");
    String timestamp = request.getHeader("webhook-timestamp");
    String signatures = request.getHeader("webhook-signature");
    if (id == null || timestamp == null || signatures == null) {
      return false;
    }
    if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    byte[] expected =
        mac.doFinal(
            (id + "." + timestamp + "." + request.getBodyAsString())
                .getBytes(StandardCharsets.UTF_8));
    for (String candidate : signatures.split(" ")) {
      if (candidate.startsWith("v1,")
          && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
        return true;
      }
    }
    return false;
  }
}

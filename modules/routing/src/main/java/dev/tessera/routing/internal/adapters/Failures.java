package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ProviderException.Kind;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.ProtocolException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies what went wrong with a provider call. The three providers' error bodies share one
 * shape closely enough to read with one routine: OpenAI {@code
 * {"error":{"message","type","code"}}}, Anthropic {@code
 * {"type":"error","error":{"type","message"}}}, Gemini {@code
 * {"error":{"code","message","status","details"}}}.
 */
final class Failures {
  private static final int MAX_MESSAGE = 300;

  private Failures() {}

  static ProviderException fromStatus(
      String provider, int status, HttpHeaders headers, String body) {
    JsonObject error = errorObject(body);
    String type = error == null ? null : firstNonNull(error, "type", "status", "code");
    String message = "HTTP " + status + describe(error, type);
    Kind kind = kindOf(status, type);
    return new ProviderException(
        kind, provider, status, message, retryAfter(headers, error), false, null);
  }

  /** An error sent inside a 200 stream (Anthropic {@code event: error}, OpenAI {@code error}). */
  static ProviderException inBand(String provider, JsonObject error) {
    String type = firstNonNull(error, "type", "status", "code");
    int code = JsonSupport.integer(error, "code");
    Kind kind;
    if (code >= 400) {
      kind = kindOf(code, type);
    } else if (type != null && (type.contains("rate_limit") || type.equals("RESOURCE_EXHAUSTED"))) {
      kind = Kind.RATE_LIMITED;
    } else if (type != null && (type.contains("invalid") || type.contains("permission"))) {
      kind = Kind.CLIENT_ERROR;
    } else {
      // overloaded_error, api_error, server_error and unknown types: the provider's fault.
      kind = Kind.SERVER_ERROR;
    }
    return new ProviderException(
        kind, provider, code, "in-stream error" + describe(error, type), null, false, null);
  }

  static ProviderException fromThrowable(String provider, Throwable failure, boolean midStream) {
    Throwable t = unwrap(failure);
    if (t instanceof ProviderException p) {
      return p;
    }
    if (t instanceof HttpConnectTimeoutException) {
      return new ProviderException(Kind.CONNECTION, provider, "connect timed out", t);
    }
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return timeout(provider, midStream);
    }
    if (t instanceof ProtocolException) {
      return malformed(provider, "not an HTTP response: " + t.getMessage(), t);
    }
    if (t instanceof IOException) {
      Kind kind = midStream ? Kind.STREAM_BROKEN : Kind.CONNECTION;
      String what = midStream ? "stream broke: " : "connection failed: ";
      return new ProviderException(kind, provider, 0, what + t, null, false, t);
    }
    return malformed(provider, String.valueOf(t), t);
  }

  static ProviderException timeout(String provider, boolean partial) {
    return new ProviderException(Kind.TIMEOUT, provider, 0, "deadline passed", null, partial, null);
  }

  static ProviderException malformed(String provider, String what, Throwable cause) {
    return new ProviderException(
        Kind.MALFORMED_RESPONSE, provider, "malformed response: " + truncate(what), cause);
  }

  static ProviderException streamEndedEarly(String provider) {
    return new ProviderException(
        Kind.STREAM_BROKEN, provider, "stream ended before its end marker", null);
  }

  static ProviderException unsupported(String provider, String what) {
    return new ProviderException(Kind.CLIENT_ERROR, provider, what, null);
  }

  static Kind kindOf(int status, String type) {
    if (status == 429) {
      return Kind.RATE_LIMITED;
    }
    if (status == 401 || status == 403) {
      return Kind.AUTH;
    }
    if (status == 408) {
      return Kind.TIMEOUT;
    }
    if (status >= 500) {
      return Kind.SERVER_ERROR; // includes Anthropic's 529 overloaded_error
    }
    if (status >= 400) {
      return Kind.CLIENT_ERROR;
    }
    return Kind.MALFORMED_RESPONSE; // 1xx/3xx: redirects are not followed on purpose
  }

  /**
   * The wait the provider asked for: OpenAI's {@code retry-after-ms}, the standard {@code
   * retry-after} (seconds or HTTP date), or Gemini's {@code RetryInfo.retryDelay} ("17s").
   */
  static Duration retryAfter(HttpHeaders headers, JsonObject error) {
    try {
      var ms = headers.firstValue("retry-after-ms");
      if (ms.isPresent()) {
        return Duration.ofMillis((long) Double.parseDouble(ms.get().trim()));
      }
      var ra = headers.firstValue("retry-after");
      if (ra.isPresent()) {
        String v = ra.get().trim();
        if (v.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
          return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        }
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return d.isNegative() ? Duration.ZERO : d;
      }
      for (JsonValue detail : JsonSupport.array(error, "details")) {
        String delay = JsonSupport.string(detail.asJsonObject(), "retryDelay");
        if (delay != null && delay.endsWith("s")) {
          double seconds = Double.parseDouble(delay.substring(0, delay.length() - 1));
          return Duration.ofMillis((long) (seconds * 1000));
        }
      }
    } catch (RuntimeException e) {
      // An unparseable hint is no hint; the caller's backoff applies.
    }
    return null;
  }

  private static JsonObject errorObject(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonValue e = JsonSupport.parseObject(body).get("error");
      return e instanceof JsonObject o ? o : null;
    } catch (RuntimeException e) {
      return null; // an HTML page from a proxy, say; the status alone classifies it
    }
  }

  private static String describe(JsonObject error, String type) {
    if (error == null) {
      return "";
    }
    String message = JsonSupport.string(error, "message");
    return (type == null ? "" : " " + type) + (message == null ? "" : ": " + truncate(message));
  }

  private static String firstNonNull(JsonObject o, String... keys) {
    for (String k : keys) {
      String v = JsonSupport.string(o, k);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String truncate(String s) {
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "...";
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}

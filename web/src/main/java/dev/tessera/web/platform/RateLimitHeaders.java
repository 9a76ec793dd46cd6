package dev.tessera.web.platform;

import dev.tessera.tenancy.api.RateLimitState;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/** OpenAI's x-ratelimit-* headers, so SDKs and dashboards read our limits as theirs. */
public final class RateLimitHeaders {
  private RateLimitHeaders() {}

  public static void apply(Response.ResponseBuilder b, RateLimitState s) {
    b.header("x-ratelimit-limit-requests", s.limitRequests());
    b.header("x-ratelimit-remaining-requests", s.remainingRequests());
    b.header("x-ratelimit-reset-requests", duration(s.resetRequestsSeconds()));
    b.header("x-ratelimit-limit-tokens", s.limitTokens());
    b.header("x-ratelimit-remaining-tokens", s.remainingTokens());
    b.header("x-ratelimit-reset-tokens", duration(s.resetTokensSeconds()));
  }

  public static void apply(MultivaluedMap<String, Object> h, RateLimitState s) {
    h.putSingle("x-ratelimit-limit-requests", s.limitRequests());
    h.putSingle("x-ratelimit-remaining-requests", s.remainingRequests());
    h.putSingle("x-ratelimit-reset-requests", duration(s.resetRequestsSeconds()));
    h.putSingle("x-ratelimit-limit-tokens", s.limitTokens());
    h.putSingle("x-ratelimit-remaining-tokens", s.remainingTokens());
    h.putSingle("x-ratelimit-reset-tokens", duration(s.resetTokensSeconds()));
  }

  /** OpenAI writes resets as durations like "1s" or "6m0s"; "0.12s" style for sub-minute. */
  static String duration(double seconds) {
    if (seconds < 60) {
      // by hand: String.format costs more than the rest of the headers together
      long millis = Math.round(Math.max(0, seconds) * 1000);
      long fraction = millis % 1000;
      return (millis / 1000)
          + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".")
          + fraction
          + "s";
    }
    long whole = (long) Math.ceil(seconds);
    return (whole / 60) + "m" + (whole % 60) + "s";
  }
}

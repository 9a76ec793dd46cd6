package dev.tessera.web.platform;

import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.RateLimitedException;
import dev.tessera.tenancy.api.TesseraException;
import dev.tessera.tenancy.api.UnauthenticatedException;
import dev.tessera.tenancy.api.UnavailableException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every failure leaves as RFC 9457 problem+json: the caller's mistakes as 4xx with what to fix, our
 * own faults as a bare 500 with an incident id (the stack trace goes to the log, never out).
 */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {
  private static final Logger LOG = Logger.getLogger(ProblemMapper.class.getName());

  @Override
  public Response toResponse(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof TesseraException te) {
        return fromTessera(te);
      }
    }
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof JsonbException || t instanceof JsonException) {
        return Problems.of(
                400,
                "malformed-json",
                "Malformed request body",
                "The body is not valid JSON for this endpoint: " + firstLine(t.getMessage()))
            .build();
      }
    }
    if (thrown instanceof WebApplicationException wae) {
      Response r = wae.getResponse();
      Response.ResponseBuilder b =
          Problems.of(r.getStatus(), "http-" + r.getStatus(), reason(r), null);
      r.getHeaders()
          .forEach(
              (k, v) -> {
                if (!k.equalsIgnoreCase("Content-Type")) {
                  v.forEach(x -> b.header(k, x));
                }
              });
      return b.build();
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "WEB-0002 unhandled failure, incident " + incident, thrown);
    return Problems.of(500, "internal", "Internal error", "Incident " + incident + ".").build();
  }

  private static Response fromTessera(TesseraException e) {
    if (e instanceof InvalidInputException ie) {
      return Problems.invalid(ie).build();
    }
    Response.ResponseBuilder b = Problems.of(e.status(), e.type(), title(e), e.getMessage());
    if (e instanceof RateLimitedException rl) {
      RateLimitHeaders.apply(b, rl.state());
      b.header("Retry-After", rl.retryAfterSeconds());
      b.header("retry-after-ms", rl.retryAfterMillis());
    } else if (e instanceof UnavailableException ue) {
      b.header("Retry-After", ue.retryAfterSeconds());
    } else if (e instanceof UnauthenticatedException) {
      b.header("WWW-Authenticate", "Bearer realm=\"tessera\"");
    }
    return b.build();
  }

  private static String title(TesseraException e) {
    String t = e.type().replace('-', ' ');
    return Character.toUpperCase(t.charAt(0)) + t.substring(1);
  }

  private static String reason(Response r) {
    Response.StatusType s = r.getStatusInfo();
    return s.getReasonPhrase() == null ? "HTTP " + r.getStatus() : s.getReasonPhrase();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) : line;
  }
}

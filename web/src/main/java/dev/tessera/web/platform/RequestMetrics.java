package dev.tessera.web.platform;

import dev.tessera.web.security.RequestCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;

/**
 * Counts and times every request by endpoint (the route template, not the raw path, so ids do not
 * explode the series), tenant and status, for /metrics (histogram buckets configured in
 * microprofile-config.properties).
 */
@Provider
@PreMatching
public class RequestMetrics implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String START = RequestMetrics.class.getName() + ".start";
  private static final Logger LOG = Logger.getLogger(RequestMetrics.class.getName());
  private static final Map<String, Timer> TIMERS = new ConcurrentHashMap<>();

  /** Route templates by resource method: worked out once, not with regexes on every request. */
  private static final Map<Route, String> TEMPLATES = new ConcurrentHashMap<>();

  /** A matched resource method, on the class it was matched through. */
  private record Route(Class<?> type, Method method) {}

  static final Metadata LATENCY =
      Metadata.builder()
          .withName("tessera_http_request_duration")
          .withDescription("Latency of HTTP requests by endpoint, tenant and status")
          .withUnit(MetricUnits.NANOSECONDS)
          .build();

  @Inject
  @RegistryScope(scope = MetricRegistry.APPLICATION_SCOPE)
  MetricRegistry registry;

  @Inject RequestCaller caller;
  @Context ResourceInfo resource;

  @Override
  public void filter(ContainerRequestContext request) {
    request.setProperty(START, System.nanoTime());
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (!(request.getProperty(START) instanceof Long start)) {
      return;
    }
    String endpoint = request.getMethod() + " " + template(request);
    String tenant =
        caller.isPlatformAdmin()
            ? "platform"
            : caller.tenant().map(Object::toString).orElse("anonymous");
    String key = endpoint + '\u0000' + tenant + '\u0000' + response.getStatus();
    try {
      TIMERS
          .computeIfAbsent(key, k -> register(endpoint, tenant, response.getStatus()))
          .update(Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      // metrics must never fail a request
      LOG.warning("WEB-0003 metric not recorded: " + e);
    }
  }

  /** Payara's registry is not safe for concurrent registration; creation is serialised here. */
  private Timer register(String endpoint, String tenant, int status) {
    synchronized (TIMERS) {
      return registry.timer(
          LATENCY,
          new Tag("endpoint", endpoint),
          new Tag("tenant", tenant),
          new Tag("status", Integer.toString(status)));
    }
  }

  private String template(ContainerRequestContext request) {
    Class<?> type = resource == null ? null : resource.getResourceClass();
    Method method = resource == null ? null : resource.getResourceMethod();
    if (type == null || method == null) {
      return "unmatched";
    }
    // a resource class belongs to one application, so the template never changes
    return TEMPLATES.computeIfAbsent(
        new Route(type, method),
        r -> template(request.getUriInfo().getBaseUri().getPath(), r.type(), r.method()));
  }

  private static String template(String applicationPath, Class<?> type, Method method) {
    String base =
        type.isAnnotationPresent(Path.class) ? type.getAnnotation(Path.class).value() : "";
    String sub =
        method.isAnnotationPresent(Path.class) ? method.getAnnotation(Path.class).value() : "";
    String joined =
        "/" + strip(applicationPath) + "/" + strip(base) + (sub.isEmpty() ? "" : "/" + strip(sub));
    return joined.replaceAll("/+", "/");
  }

  private static String strip(String p) {
    return p.replaceAll("^/+|/+$", "");
  }
}

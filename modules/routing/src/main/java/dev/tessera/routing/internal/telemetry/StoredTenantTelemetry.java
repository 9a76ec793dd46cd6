package dev.tessera.routing.internal.telemetry;

import dev.tessera.routing.api.TelemetrySettings;
import dev.tessera.routing.api.TenantTelemetry;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Telemetry settings in the tenant's own table ({@code telemetry_settings}, under row-level
 * security), cached per instance for a second. Only read on the request path when the platform
 * captures content at all, so with tracing or capture off it costs nothing.
 */
@ApplicationScoped
public class StoredTenantTelemetry implements TenantTelemetry {
  private static final long TTL_NANOS = 1_000_000_000L;

  @Inject TenantData data;
  @Inject GatewayTracing tracing;

  /** OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, the GenAI conventions' own switch. */
  @Inject
  @ConfigProperty(
      name = "otel.instrumentation.genai.capture.message.content",
      defaultValue = "false")
  boolean captureContent;

  private record Cached(TelemetrySettings settings, long readAt) {}

  private final Map<TenantId, Cached> cache = new ConcurrentHashMap<>();

  @Override
  public boolean platformCapturesContent() {
    return captureContent && tracing.enabled();
  }

  /** Whether this tenant's call text goes into its spans: the platform and the tenant agree. */
  boolean capturesContent(TenantId tenant) {
    return platformCapturesContent() && tenant != null && settings(tenant).traceContent();
  }

  @Override
  public TelemetrySettings settings(TenantId tenant) {
    Cached c = cache.get(tenant);
    long now = System.nanoTime();
    if (c != null && now - c.readAt() < TTL_NANOS) {
      return c.settings();
    }
    TelemetrySettings s =
        data.inTenant(
            tenant,
            con -> {
              try (PreparedStatement ps =
                  con.prepareStatement(
                      "SELECT trace_content FROM public.telemetry_settings WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.value());
                try (ResultSet rs = ps.executeQuery()) {
                  return rs.next()
                      ? new TelemetrySettings(rs.getBoolean(1))
                      : TelemetrySettings.DEFAULTS;
                }
              }
            });
    if (cache.size() > 100_000) {
      cache.clear();
    }
    cache.put(tenant, new Cached(s, now));
    return s;
  }

  @Override
  public TelemetrySettings update(TenantId tenant, TelemetrySettings settings) {
    data.inTenant(
        tenant,
        con -> {
          try (PreparedStatement ps =
              con.prepareStatement(
                  "INSERT INTO public.telemetry_settings (tenant_id, trace_content, updated_at) "
                      + "VALUES (?, ?, now()) ON CONFLICT (tenant_id) DO UPDATE SET "
                      + "trace_content = EXCLUDED.trace_content, updated_at = now()")) {
            ps.setObject(1, tenant.value());
            ps.setBoolean(2, settings.traceContent());
            return ps.executeUpdate();
          }
        });
    cache.remove(tenant);
    return settings(tenant);
  }
}

package dev.tessera.governance.internal.safety.tools;

import dev.tessera.governance.api.safety.tools.ToolRefusedException;
import dev.tessera.governance.api.safety.tools.ToolView;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.WebhookSigning;
import dev.tessera.tenancy.api.WebhookTargets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Runs tools: HTTP tools as a POST to the tenant's endpoint signed the Standard Webhooks way with
 * the tenant's webhook secret, under the webhook network rules (checked when registered and again
 * before every call, no redirects); built-ins inside the tenant's transaction.
 */
@ApplicationScoped
public class ToolRunners {
  /** The built-in tools and their argument schemas. */
  static final Map<String, String> BUILTINS =
      Map.of(
          "kv.set",
          "{\"type\":\"object\",\"properties\":{\"key\":{\"type\":\"string\",\"minLength\":1,"
              + "\"maxLength\":200},\"value\":{}},\"required\":[\"key\",\"value\"],"
              + "\"additionalProperties\":false}");

  private static final JsonProvider JSON = JsonProvider.provider();
  private static final int MAX_RESULT = 65_536;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Inject WebhookSigning signing;
  @Inject WebhookTargets targets;

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** What a run produced: whether it worked, what it did, the answer, what undo needs. */
  record Ran(boolean ok, String preview, String result, String previousState) {}

  void checkUrl(String field, String url) {
    if (url == null || url.isBlank()) {
      throw InvalidInputException.field(field, "is required for an http tool");
    }
    targets.check(field, url);
  }

  /** What executing would do, without doing it. */
  String preview(Connection c, TenantId tenant, ToolView t, String args) throws SQLException {
    if (t.kind().equals("builtin")) {
      JsonObject a = object(args);
      String key = a.getString("key");
      String current = current(c, tenant, key);
      return "sets '"
          + key
          + "' from "
          + (current == null ? "(unset)" : current)
          + " to "
          + a.get("value")
          + (t.undoWindowSeconds() > 0
              ? "; undoable for " + t.undoWindowSeconds() + " s"
              : "; not undoable");
    }
    return "POST "
        + t.url()
        + " with the arguments, signed with the tenant's webhook secret"
        + (t.undoUrl() != null && t.undoWindowSeconds() > 0
            ? "; undo within " + t.undoWindowSeconds() + " s by POST " + t.undoUrl()
            : "; not undoable");
  }

  Ran runBuiltin(Connection c, TenantId tenant, ToolView t, String args) throws SQLException {
    JsonObject a = object(args);
    String key = a.getString("key");
    String value = a.get("value").toString();
    String previous = currentForUpdate(c, tenant, key);
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO public.tool_kv (tenant_id, key, value, updated_at) VALUES (?, ?, ?::jsonb,"
                + " now()) ON CONFLICT (tenant_id, key) DO UPDATE SET value = EXCLUDED.value,"
                + " updated_at = now()")) {
      ps.setObject(1, tenant.value());
      ps.setString(2, key);
      ps.setString(3, value);
      ps.executeUpdate();
    }
    String prevState =
        JSON.createObjectBuilder()
            .add("key", key)
            .add("value", previous == null ? JsonValue.NULL : parse(previous))
            .build()
            .toString();
    return new Ran(
        true,
        "set '" + key + "' from " + (previous == null ? "(unset)" : previous) + " to " + value,
        JSON.createObjectBuilder().add("key", key).add("value", parse(value)).build().toString(),
        prevState);
  }

  void undoBuiltin(Connection c, TenantId tenant, String previousState) throws SQLException {
    JsonObject p = object(previousState);
    String key = p.getString("key");
    if (p.isNull("value")) {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM public.tool_kv WHERE tenant_id = ? AND key = ?")) {
        ps.setObject(1, tenant.value());
        ps.setString(2, key);
        ps.executeUpdate();
      }
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE public.tool_kv SET value = ?::jsonb, updated_at = now()"
                + " WHERE tenant_id = ? AND key = ?")) {
      ps.setString(1, p.get("value").toString());
      ps.setObject(2, tenant.value());
      ps.setString(3, key);
      ps.executeUpdate();
    }
  }

  Ran runHttp(TenantId tenant, ToolView t, UUID id, String args) {
    String preview = "POST " + t.url();
    try {
      HttpResponse<String> r = post(tenant, t.url(), t.name(), id, args);
      String body = r.body() == null ? "" : r.body();
      if (body.length() > MAX_RESULT) {
        body = body.substring(0, MAX_RESULT);
      }
      boolean ok = r.statusCode() / 100 == 2;
      return new Ran(ok, preview + " answered " + r.statusCode(), body, null);
    } catch (ToolRefusedException refused) {
      return new Ran(false, preview, refused.getMessage(), null);
    } catch (IOException e) {
      return new Ran(false, preview, "unreachable: " + e.getClass().getSimpleName(), null);
    }
  }

  void undoHttp(TenantId tenant, ToolView t, UUID id, String args) {
    try {
      HttpResponse<String> r = post(tenant, t.undoUrl(), t.name(), id, args);
      if (r.statusCode() / 100 != 2) {
        throw new ToolRefusedException(
            502, "undo-failed", "The tool's undo endpoint answered " + r.statusCode() + ".");
      }
    } catch (IOException e) {
      throw new ToolRefusedException(
          502, "undo-failed", "The tool's undo endpoint could not be reached; try again.");
    }
  }

  private HttpResponse<String> post(TenantId tenant, String url, String tool, UUID id, String args)
      throws IOException {
    URI target = URI.create(url);
    if (!targets.deliverable(target)) {
      throw new ToolRefusedException(
          403,
          "tool-target-refused",
          "The tool's address resolves to a network tools may not reach.");
    }
    String body =
        JSON.createObjectBuilder()
            .add("tool", tool)
            .add("executionId", id.toString())
            .add("arguments", parse(args))
            .build()
            .toString();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(target)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    signing.sign(tenant, id.toString(), body).forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String current(Connection c, TenantId tenant, String key) throws SQLException {
    return read(c, tenant, key, "");
  }

  private static String currentForUpdate(Connection c, TenantId tenant, String key)
      throws SQLException {
    return read(c, tenant, key, " FOR UPDATE");
  }

  private static String read(Connection c, TenantId tenant, String key, String lock)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT value::text FROM public.tool_kv WHERE tenant_id = ? AND key = ?" + lock)) {
      ps.setObject(1, tenant.value());
      ps.setString(2, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static JsonObject object(String json) {
    return parse(json).asJsonObject();
  }

  private static JsonValue parse(String json) {
    try (var r = JSON.createReader(new StringReader(json))) {
      return r.readValue();
    }
  }
}

package dev.tessera.web.governance;

import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.AuditLog;
import dev.tessera.tenancy.api.Caller;
import dev.tessera.tenancy.api.TenantId;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.spi.JsonProvider;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.io.StringReader;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Records every successful change made through the tenant admin API in that tenant's audit log:
 * who, what (collection and verb), which object, its state after (secrets redacted), from where.
 * Governance's own resources (prompts) record themselves, with their before and after, inside the
 * transaction that changes them.
 */
@Provider
public class AdminActionAudit implements ContainerResponseFilter {
  private static final Logger LOG = Logger.getLogger(AdminActionAudit.class.getName());
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final Jsonb JSONB = JsonbBuilder.create();
  private static final Set<String> SELF_RECORDING =
      Set.of("audit", "prompts", "governance-settings");
  private static final int MAX_STATE = 16 * 1024;

  @Inject Caller caller;
  @Inject AuditLog audit;
  @Context HttpServletRequest http;

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    String method = request.getMethod();
    if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
      return;
    }
    if (response.getStatus() < 200 || response.getStatus() >= 300) {
      return;
    }
    List<String> path =
        request.getUriInfo().getPathSegments().stream()
            .map(s -> s.getPath())
            .filter(s -> !s.isEmpty())
            .toList();
    // v1 / tenants / {id} [/ collection [/ objectId [/ sub]]]
    if (path.size() < 2 || !path.get(0).equals("v1") || !path.get(1).equals("tenants")) {
      return;
    }
    try {
      String after = redactedJson(response.getEntity());
      String tenantId = path.size() > 2 ? path.get(2) : idOf(after);
      if (tenantId == null) {
        return;
      }
      String collection = path.size() > 3 ? path.get(3) : "tenant";
      if (SELF_RECORDING.contains(collection)) {
        return;
      }
      String created = idOf(after);
      String target = path.size() > 4 ? path.get(4) : created != null ? created : tenantId;
      String action = collection + "." + verb(method) + (path.size() > 5 ? "." + path.get(5) : "");
      audit.record(
          TenantId.parse(tenantId),
          Actors.of(caller, http),
          new AuditEvent(action, collection, target, null, after, null));
    } catch (RuntimeException e) {
      // the action itself has committed; a missing entry is logged loudly rather than hidden
      LOG.log(
          Level.WARNING, "GOV-0020 could not audit " + method + " " + String.join("/", path), e);
    }
  }

  private static String verb(String method) {
    return switch (method) {
      case "POST" -> "create";
      case "PUT" -> "replace";
      case "PATCH" -> "update";
      case "DELETE" -> "delete";
      default -> method.toLowerCase(Locale.ROOT);
    };
  }

  private static String idOf(String json) {
    if (json == null) {
      return null;
    }
    JsonValue v = JSON.createReader(new StringReader(json)).readValue();
    return v instanceof JsonObject o && o.get("id") instanceof jakarta.json.JsonString s
        ? s.getString()
        : null;
  }

  /** The response as JSON with secrets blanked out, or null when it has no body. */
  public static String redactedJson(Object entity) {
    if (entity == null) {
      return null;
    }
    String raw;
    if (entity instanceof String s) {
      raw = s;
    } else if (entity instanceof JsonValue v) {
      raw = v.toString();
    } else {
      raw = JSONB.toJson(entity);
    }
    JsonValue parsed;
    try {
      parsed = JSON.createReader(new StringReader(raw)).readValue();
    } catch (RuntimeException notJson) {
      return null;
    }
    String out = redact(parsed).toString();
    if (out.length() > MAX_STATE) {
      return JSON.createObjectBuilder()
          .add("truncated", true)
          .add("length", out.length())
          .build()
          .toString();
    }
    return out;
  }

  static JsonValue redact(JsonValue v) {
    if (v instanceof JsonObject o) {
      JsonObjectBuilder b = JSON.createObjectBuilder();
      o.forEach((k, x) -> b.add(k, secret(k) ? JSON.createValue("[redacted]") : redact(x)));
      return b.build();
    }
    if (v instanceof JsonArray a) {
      JsonArrayBuilder b = JSON.createArrayBuilder();
      a.forEach(x -> b.add(redact(x)));
      return b.build();
    }
    return v;
  }

  private static boolean secret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("key")
        || n.equals("apikey")
        || n.contains("secret")
        || n.contains("password")
        || n.equals("token");
  }
}

package dev.tessera.governance.internal;

import dev.tessera.governance.api.AppliedPrompt;
import dev.tessera.governance.api.PromptVersionView;
import dev.tessera.governance.api.ResolvedPrompt;
import dev.tessera.governance.api.TrafficSplit;
import dev.tessera.governance.internal.PromptRows.PromptRow;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Optional;

/**
 * Resolves the {@code "prompt"} of a model call to a version, through the cluster-wide cache of
 * resolved versions, and renders it into the request body. Version entries never change; label and
 * traffic entries are evicted whenever a label moves or the split changes.
 */
@ApplicationScoped
public class PromptResolver {
  @Inject TenantData data;
  @Inject PromptCache cache;

  /** A resolved version as cached: what rendering needs. */
  private record Resolved(
      int version, String kind, JsonValue template, JsonArray variables, JsonObject config) {
    String toJson() {
      return PromptTemplates.JSON
          .createObjectBuilder()
          .add("version", version)
          .add("kind", kind)
          .add("template", template)
          .add("variables", variables)
          .add("config", config)
          .build()
          .toString();
    }

    static Resolved fromJson(String json) {
      JsonObject o = (JsonObject) PromptTemplates.parse("cache", json);
      return new Resolved(
          o.getInt("version"),
          o.getString("kind"),
          o.get("template"),
          o.getJsonArray("variables"),
          o.getJsonObject("config"));
    }

    static Resolved of(String kind, PromptVersionView v) {
      return new Resolved(
          v.version(),
          kind,
          PromptTemplates.parse("template", v.template()),
          (JsonArray) PromptTemplates.parse("variables", PromptRows.variablesJson(v.variables())),
          (JsonObject) PromptTemplates.parse("config", v.config()));
    }
  }

  AppliedPrompt apply(TenantId tenant, JsonObject body, String requestId) {
    JsonValue ref = body.get("prompt");
    if (ref == null || ref == JsonValue.NULL) {
      return new AppliedPrompt(body, null);
    }
    if (!(ref instanceof JsonObject p)) {
      throw InvalidInputException.field("prompt", "must be an object with a name");
    }
    if (!(p.get("name") instanceof JsonString nameValue) || nameValue.getString().isBlank()) {
      throw InvalidInputException.field("prompt.name", "is required");
    }
    String name = nameValue.getString();
    JsonValue labelValue = p.get("label");
    JsonValue versionValue = p.get("version");
    boolean hasLabel = labelValue != null && labelValue != JsonValue.NULL;
    boolean hasVersion = versionValue != null && versionValue != JsonValue.NULL;
    if (hasLabel && hasVersion) {
      throw InvalidInputException.field("prompt", "name a label or a version, not both");
    }
    JsonObject values = JsonValue.EMPTY_JSON_OBJECT;
    if (p.containsKey("variables") && p.get("variables") != JsonValue.NULL) {
      if (!(p.get("variables") instanceof JsonObject v)) {
        throw InvalidInputException.field("prompt.variables", "must be an object");
      }
      values = v;
    }
    String label = null;
    Resolved resolved;
    if (hasVersion) {
      if (!(versionValue instanceof JsonNumber n) || !n.isIntegral() || n.intValue() < 1) {
        throw InvalidInputException.field("prompt.version", "must be a positive integer");
      }
      resolved = byVersion(tenant, name, n.intValue());
    } else {
      if (hasLabel) {
        if (!(labelValue instanceof JsonString l)) {
          throw InvalidInputException.field("prompt.label", "must be a string");
        }
        label = l.getString();
      } else {
        label = trafficLabel(tenant, name, requestId);
      }
      resolved = label.equals("latest") ? latest(tenant, name) : byLabel(tenant, name, label);
    }
    JsonArray rendered =
        PromptTemplates.render(
            resolved.kind(),
            resolved.template(),
            PromptRows.variables(resolved.variables().toString()),
            values);
    return new AppliedPrompt(
        merge(body, rendered, resolved.config()),
        new ResolvedPrompt(name, resolved.version(), label));
  }

  /** The rendered messages first, then the caller's; config fills what the caller left unset. */
  private static JsonObject merge(JsonObject body, JsonArray rendered, JsonObject config) {
    JsonObjectBuilder out = PromptTemplates.JSON.createObjectBuilder();
    body.forEach(
        (k, v) -> {
          if (!k.equals("prompt") && !k.equals("messages")) {
            out.add(k, v);
          }
        });
    config.forEach(
        (k, v) -> {
          if (!body.containsKey(k) || body.isNull(k)) {
            out.add(k, v);
          }
        });
    JsonArrayBuilder messages = PromptTemplates.JSON.createArrayBuilder(rendered);
    if (body.get("messages") instanceof JsonArray own) {
      own.forEach(messages::add);
    }
    out.add("messages", messages);
    return out.build();
  }

  private String trafficLabel(TenantId tenant, String name, String requestId) {
    String key = key(tenant, name, "t");
    String json =
        cache
            .get(key)
            .orElseGet(
                () -> {
                  TrafficSplit s =
                      data.inTenant(
                          tenant,
                          c -> PromptRows.traffic(c, PromptRows.prompt(c, name, false).id()));
                  String v = s == null ? "{}" : Json.traffic(s);
                  cache.put(key, v);
                  return v;
                });
    JsonObject split = (JsonObject) PromptTemplates.parse("cache", json);
    if (!split.containsKey("champion")) {
      return "production";
    }
    int bucket = Math.floorMod(requestId.hashCode(), 100);
    return bucket < split.getInt("challengerPercent")
        ? split.getString("challenger")
        : split.getString("champion");
  }

  private Resolved byVersion(TenantId tenant, String name, int version) {
    String key = key(tenant, name, "v:" + version);
    Optional<String> hit = cache.get(key);
    if (hit.isPresent()) {
      return Resolved.fromJson(hit.get());
    }
    Resolved r =
        data.inTenant(
            tenant,
            c -> {
              PromptRow row = PromptRows.prompt(c, name, false);
              return Resolved.of(row.kind(), PromptRows.version(c, row, version));
            });
    cache.put(key, r.toJson());
    return r;
  }

  private Resolved byLabel(TenantId tenant, String name, String label) {
    String key = key(tenant, name, "l:" + label);
    Optional<String> hit = cache.get(key);
    if (hit.isPresent()) {
      return Resolved.fromJson(hit.get());
    }
    Resolved r =
        data.inTenant(
            tenant,
            c -> {
              PromptRow row = PromptRows.prompt(c, name, false);
              Integer version = PromptRows.label(c, row.id(), label);
              if (version == null) {
                throw new NotFoundException("label of prompt '" + name + "'", label);
              }
              return Resolved.of(row.kind(), PromptRows.version(c, row, version));
            });
    cache.put(key, r.toJson());
    return r;
  }

  /** {@code latest} moves with every new version: read, not cached. */
  private Resolved latest(TenantId tenant, String name) {
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, name, false);
          return Resolved.of(
              row.kind(), PromptRows.version(c, row, PromptRows.latest(c, row.id())));
        });
  }

  void evictLabel(TenantId tenant, String name, String label) {
    cache.evict(key(tenant, name, "l:" + label));
  }

  void evictTraffic(TenantId tenant, String name) {
    cache.evict(key(tenant, name, "t"));
  }

  private static String key(TenantId tenant, String name, String what) {
    return tenant.value() + "|" + name + "|" + what;
  }
}

package dev.tessera.retrieval.internal;

import dev.tessera.retrieval.api.Acl;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** JSON helpers: one provider looked up once, and the ACL's JSON form, validated. */
final class Json {
  static final JsonProvider P = JsonProvider.provider();
  private static final Set<String> ROLES = Set.of("TENANT_ADMIN", "DEVELOPER", "BILLING", "VIEWER");

  private Json() {}

  static JsonObject parse(String s) {
    if (s == null) {
      return null;
    }
    try (JsonReader r = P.createReader(new StringReader(s))) {
      return r.readObject();
    }
  }

  /** The ACL in {@code json} at {@code field}; null when absent or JSON null (inherit). */
  static Acl acl(JsonObject json, String field) {
    if (json == null || !json.containsKey(field) || json.isNull(field)) {
      return null;
    }
    if (json.get(field).getValueType() != JsonValue.ValueType.OBJECT) {
      throw InvalidInputException.field(
          field, "must be an object {\"users\",\"roles\",\"groups\",\"api_keys\"} or null");
    }
    JsonObject a = json.getJsonObject(field);
    for (String k : a.keySet()) {
      if (!Set.of("users", "roles", "groups", "api_keys").contains(k)) {
        throw InvalidInputException.field(
            field + "." + k, "unknown; use users, roles, groups or api_keys");
      }
    }
    List<String> roles = strings(a, field + ".roles", "roles");
    for (String r : roles) {
      if (!ROLES.contains(r)) {
        throw InvalidInputException.field(field + ".roles", "unknown role '" + r + "'");
      }
    }
    List<String> groups = strings(a, field + ".groups", "groups");
    for (String g : groups) {
      if (!g.matches("[A-Za-z0-9._:-]{1,100}")) {
        throw InvalidInputException.field(field + ".groups", "bad group name '" + g + "'");
      }
    }
    return new Acl(
        uuids(a, field + ".users", "users"),
        roles,
        groups,
        uuids(a, field + ".api_keys", "api_keys"));
  }

  static JsonObject acl(Acl acl) {
    if (acl == null) {
      return null;
    }
    var b = P.createObjectBuilder();
    var u = P.createArrayBuilder();
    acl.users().forEach(x -> u.add(x.toString()));
    var r = P.createArrayBuilder();
    acl.roles().forEach(r::add);
    var g = P.createArrayBuilder();
    acl.groups().forEach(g::add);
    var k = P.createArrayBuilder();
    acl.apiKeys().forEach(x -> k.add(x.toString()));
    return b.add("users", u).add("roles", r).add("groups", g).add("api_keys", k).build();
  }

  static List<String> strings(JsonObject o, String name, String key) {
    if (!o.containsKey(key) || o.isNull(key)) {
      return List.of();
    }
    if (o.get(key).getValueType() != JsonValue.ValueType.ARRAY) {
      throw InvalidInputException.field(name, "must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonValue v : o.getJsonArray(key)) {
      if (v.getValueType() != JsonValue.ValueType.STRING) {
        throw InvalidInputException.field(name, "must be an array of strings");
      }
      out.add(((jakarta.json.JsonString) v).getString());
    }
    return out;
  }

  static List<UUID> uuids(JsonObject o, String name, String key) {
    List<UUID> out = new ArrayList<>();
    for (String s : strings(o, name, key)) {
      out.add(uuid(s, name));
    }
    return out;
  }

  static UUID uuid(String s, String name) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field(name, "'" + s + "' is not an id");
    }
  }

  static String string(JsonObject o, String key, boolean required) {
    if (o == null || !o.containsKey(key) || o.isNull(key)) {
      if (required) {
        throw InvalidInputException.field(key, "is required");
      }
      return null;
    }
    if (o.get(key).getValueType() != JsonValue.ValueType.STRING) {
      throw InvalidInputException.field(key, "must be a string");
    }
    return o.getString(key);
  }

  static Double number(JsonObject o, String key) {
    if (o == null || !o.containsKey(key) || o.isNull(key)) {
      return null;
    }
    if (o.get(key).getValueType() != JsonValue.ValueType.NUMBER) {
      throw InvalidInputException.field(key, "must be a number");
    }
    return o.getJsonNumber(key).doubleValue();
  }

  static JsonObject object(JsonObject o, String key) {
    if (o == null || !o.containsKey(key) || o.isNull(key)) {
      return null;
    }
    if (o.get(key).getValueType() != JsonValue.ValueType.OBJECT) {
      throw InvalidInputException.field(key, "must be an object");
    }
    return o.getJsonObject(key);
  }

  static JsonArray array(JsonObject o, String key) {
    if (o == null || !o.containsKey(key) || o.isNull(key)) {
      return null;
    }
    if (o.get(key).getValueType() != JsonValue.ValueType.ARRAY) {
      throw InvalidInputException.field(key, "must be an array");
    }
    return o.getJsonArray(key);
  }
}

package dev.tessera.governance.internal.safety;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.PiiAction;
import dev.tessera.governance.api.safety.SafetyChecks;
import dev.tessera.governance.api.safety.SafetyPolicy;
import dev.tessera.governance.internal.safety.pii.PiiScanner;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** A safety policy's JSON form, as stored and as the admin API reads and writes it. */
final class PolicyJson {
  private static final JsonProvider JSON = JsonProvider.provider();
  private static final Pattern KIND = Pattern.compile("[A-Z][A-Z0-9_]{1,31}");
  private static final int MAX_TERMS = 5_000;
  private static final int MAX_TERM_LENGTH = 200;

  private PolicyJson() {}

  static SafetyPolicy read(String text) {
    JsonObject o;
    try (var r = JSON.createReader(new StringReader(text == null ? "" : text))) {
      o = r.readObject();
    } catch (JsonException | IllegalStateException e) {
      throw InvalidInputException.field("body", "is not a JSON object");
    }
    Map<String, PiiAction> pii = new TreeMap<>();
    for (var e : object(o, "pii").entrySet()) {
      pii.put(e.getKey(), enumOf(PiiAction.class, "pii." + e.getKey(), e.getValue()));
    }
    Map<String, CheckMode> checks = new TreeMap<>();
    for (var e : object(o, "checks").entrySet()) {
      checks.put(e.getKey(), enumOf(CheckMode.class, "checks." + e.getKey(), e.getValue()));
    }
    Map<String, List<String>> dictionaries = new TreeMap<>();
    for (var e : object(o, "dictionaries").entrySet()) {
      dictionaries.put(e.getKey(), strings("dictionaries." + e.getKey(), e.getValue()));
    }
    List<SafetyPolicy.DeniedTopic> topics = new ArrayList<>();
    JsonValue t = o.get("deniedTopics");
    if (t != null && t.getValueType() != JsonValue.ValueType.NULL) {
      if (t.getValueType() != JsonValue.ValueType.ARRAY) {
        throw InvalidInputException.field("deniedTopics", "must be an array");
      }
      for (JsonValue v : t.asJsonArray()) {
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
          throw InvalidInputException.field(
              "deniedTopics", "each topic is {\"name\":…,\"keywords\":[…]}");
        }
        JsonObject topic = v.asJsonObject();
        topics.add(
            new SafetyPolicy.DeniedTopic(
                topic.getString("name", null),
                strings("deniedTopics.keywords", topic.get("keywords"))));
      }
    }
    return new SafetyPolicy(
        pii,
        strings("phoneRegions", o.get("phoneRegions")),
        dictionaries,
        checks,
        topics,
        strings("policyTerms", o.get("policyTerms")));
  }

  static void validate(SafetyPolicy p) {
    if (p == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    for (String kind : p.dictionaries().keySet()) {
      if (!KIND.matcher(kind).matches()) {
        throw InvalidInputException.field(
            "dictionaries", "kind names are 2-32 upper-case letters, digits or '_': " + kind);
      }
      if (PiiScanner.BUILT_IN_TYPES.contains(kind)) {
        throw InvalidInputException.field(
            "dictionaries", kind + " is a built-in kind; name the dictionary differently");
      }
    }
    for (String kind : p.pii().keySet()) {
      if (!PiiScanner.BUILT_IN_TYPES.contains(kind) && !p.dictionaries().containsKey(kind)) {
        throw InvalidInputException.field(
            "pii." + kind,
            "unknown kind; built-in kinds are "
                + new java.util.TreeSet<>(PiiScanner.BUILT_IN_TYPES)
                + ", others need a dictionary of that name");
      }
    }
    var supported = PhoneNumberUtil.getInstance().getSupportedRegions();
    for (String region : p.phoneRegions()) {
      if (!supported.contains(region)) {
        throw InvalidInputException.field(
            "phoneRegions", "'" + region + "' is not an ISO 3166 region libphonenumber knows");
      }
    }
    for (String check : p.checks().keySet()) {
      if (!SafetyChecks.ALL.contains(check)) {
        throw InvalidInputException.field(
            "checks." + check, "unknown check; known: " + SafetyChecks.ALL);
      }
    }
    int terms = p.policyTerms().size();
    for (var d : p.dictionaries().values()) {
      terms += d.size();
    }
    for (var topic : p.deniedTopics()) {
      if (topic.name() == null || topic.name().isBlank() || topic.name().length() > 64) {
        throw InvalidInputException.field("deniedTopics.name", "is required, up to 64 characters");
      }
      if (topic.keywords().isEmpty()) {
        throw InvalidInputException.field("deniedTopics.keywords", "at least one keyword");
      }
      terms += topic.keywords().size();
    }
    if (terms > MAX_TERMS) {
      throw InvalidInputException.field("body", "at most " + MAX_TERMS + " terms in all");
    }
    List<List<String>> lists = new ArrayList<>(p.dictionaries().values());
    lists.add(p.policyTerms());
    p.deniedTopics().forEach(x -> lists.add(x.keywords()));
    for (List<String> list : lists) {
      for (String term : list) {
        if (term == null || term.isBlank() || term.length() > MAX_TERM_LENGTH) {
          throw InvalidInputException.field(
              "terms", "terms are non-blank, up to " + MAX_TERM_LENGTH + " characters");
        }
      }
    }
  }

  /** The stored form: only what the admin set. */
  static String write(SafetyPolicy p) {
    return build(p, p.pii(), p.checks()).toString();
  }

  /** The form the admin API shows: every kind's action and every check's mode. */
  static String writeEffective(SafetyPolicy p) {
    CompiledPolicy c = new CompiledPolicy(p);
    return build(p, new TreeMap<>(c.actions), new TreeMap<>(c.modes)).toString();
  }

  private static JsonObject build(
      SafetyPolicy p, Map<String, PiiAction> pii, Map<String, CheckMode> checks) {
    JsonObjectBuilder piiJson = JSON.createObjectBuilder();
    new TreeMap<>(pii).forEach((k, v) -> piiJson.add(k, v.name()));
    JsonObjectBuilder checksJson = JSON.createObjectBuilder();
    new TreeMap<>(checks).forEach((k, v) -> checksJson.add(k, v.name()));
    JsonObjectBuilder dict = JSON.createObjectBuilder();
    new TreeMap<>(p.dictionaries()).forEach((k, v) -> dict.add(k, array(v)));
    JsonArrayBuilder topics = JSON.createArrayBuilder();
    p.deniedTopics()
        .forEach(
            t ->
                topics.add(
                    JSON.createObjectBuilder()
                        .add("name", t.name())
                        .add("keywords", array(t.keywords()))));
    return JSON.createObjectBuilder()
        .add("pii", piiJson)
        .add(
            "phoneRegions",
            array(p.phoneRegions().isEmpty() ? PiiScanner.DEFAULT_PHONE_REGIONS : p.phoneRegions()))
        .add("dictionaries", dict)
        .add("checks", checksJson)
        .add("deniedTopics", topics)
        .add("policyTerms", array(p.policyTerms()))
        .build();
  }

  private static JsonArrayBuilder array(List<String> values) {
    JsonArrayBuilder b = JSON.createArrayBuilder();
    values.forEach(b::add);
    return b;
  }

  private static Map<String, JsonValue> object(JsonObject o, String field) {
    JsonValue v = o.get(field);
    if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
      return Map.of();
    }
    if (v.getValueType() != JsonValue.ValueType.OBJECT) {
      throw InvalidInputException.field(field, "must be an object");
    }
    return new LinkedHashMap<>(v.asJsonObject());
  }

  private static List<String> strings(String field, JsonValue v) {
    if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
      return List.of();
    }
    if (v.getValueType() != JsonValue.ValueType.ARRAY) {
      throw InvalidInputException.field(field, "must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonValue x : (JsonArray) v) {
      if (!(x instanceof JsonString s)) {
        throw InvalidInputException.field(field, "must be an array of strings");
      }
      out.add(s.getString());
    }
    return out;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String field, JsonValue v) {
    if (!(v instanceof JsonString s)) {
      throw InvalidInputException.field(
          field, "must be one of " + List.of(type.getEnumConstants()));
    }
    try {
      return Enum.valueOf(type, s.getString().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field(
          field, "must be one of " + List.of(type.getEnumConstants()));
    }
  }
}

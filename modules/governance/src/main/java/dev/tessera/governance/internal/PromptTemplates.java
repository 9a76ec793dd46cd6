package dev.tessera.governance.internal;

import dev.tessera.governance.api.PromptVariable;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prompt templates: what a valid one looks like, and rendering one with a call's variables.
 * Placeholders are {@code {{name}}}; every placeholder must be a declared variable.
 */
final class PromptTemplates {
  static final JsonProvider JSON = JsonProvider.provider();
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]{0,63})\\s*\\}\\}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
  static final Set<String> CONFIG_KEYS =
      Set.of(
          "model",
          "temperature",
          "top_p",
          "max_tokens",
          "response_format",
          "tools",
          "tool_choice",
          "seed",
          "stop");
  static final int MAX_TEMPLATE_CHARS = 100_000;

  private PromptTemplates() {}

  static JsonValue parse(String field, String json) {
    if (json == null || json.isBlank()) {
      throw InvalidInputException.field(field, "is required");
    }
    try {
      return JSON.createReader(new StringReader(json)).readValue();
    } catch (RuntimeException e) {
      throw InvalidInputException.field(field, "is not valid JSON");
    }
  }

  /** Checks a version's template, variables and config together; answers the config object. */
  static JsonObject validate(
      String kind, JsonValue template, List<PromptVariable> variables, JsonValue config) {
    Set<String> declared = new HashSet<>();
    for (int i = 0; i < variables.size(); i++) {
      PromptVariable v = variables.get(i);
      String f = "variables[" + i + "]";
      if (v == null || v.name() == null || !NAME.matcher(v.name()).matches()) {
        throw InvalidInputException.field(f + ".name", "letters, digits and _, at most 64");
      }
      if (v.type() == null) {
        throw InvalidInputException.field(f + ".type", "must be string, number, boolean or json");
      }
      if (!declared.add(v.name())) {
        throw InvalidInputException.field(f + ".name", "'" + v.name() + "' is declared twice");
      }
      if (v.defaultValue() != null) {
        check(f + ".default", v, JSON.createValue(v.defaultValue()), true);
      }
    }
    if (template.toString().length() > MAX_TEMPLATE_CHARS) {
      throw InvalidInputException.field("template", "is longer than " + MAX_TEMPLATE_CHARS);
    }
    List<String> texts = new ArrayList<>();
    if ("chat".equals(kind)) {
      if (!(template instanceof JsonArray a) || a.isEmpty()) {
        throw InvalidInputException.field(
            "template", "a chat prompt is a non-empty array of {\"role\",\"content\"} messages");
      }
      for (int i = 0; i < a.size(); i++) {
        if (!(a.get(i) instanceof JsonObject m)
            || !(m.get("role") instanceof JsonString role)
            || !ROLES.contains(role.getString())
            || !(m.get("content") instanceof JsonString content)) {
          throw InvalidInputException.field(
              "template[" + i + "]",
              "needs a role (system, developer, user, assistant) and a string content");
        }
        texts.add(content.getString());
      }
    } else if ("text".equals(kind)) {
      if (!(template instanceof JsonString s)) {
        throw InvalidInputException.field("template", "a text prompt is a JSON string");
      }
      texts.add(s.getString());
    } else {
      throw InvalidInputException.field("kind", "must be chat or text");
    }
    Set<String> undeclared = new TreeSet<>();
    for (String t : texts) {
      Matcher m = PLACEHOLDER.matcher(t);
      while (m.find()) {
        if (!declared.contains(m.group(1))) {
          undeclared.add(m.group(1));
        }
      }
    }
    if (!undeclared.isEmpty()) {
      throw InvalidInputException.field(
          "template", "uses undeclared variables: " + String.join(", ", undeclared));
    }
    if (config == null || config == JsonValue.NULL) {
      return JsonValue.EMPTY_JSON_OBJECT;
    }
    if (!(config instanceof JsonObject c)) {
      throw InvalidInputException.field("config", "must be a JSON object");
    }
    for (String k : c.keySet()) {
      if (!CONFIG_KEYS.contains(k)) {
        throw InvalidInputException.field(
            "config." + k, "is not a model setting (known: " + new TreeSet<>(CONFIG_KEYS) + ")");
      }
    }
    return c;
  }

  /**
   * The messages a version renders to with these values; missing or unknown variables, or values of
   * the wrong type, are a 400 naming them.
   */
  static JsonArray render(
      String kind, JsonValue template, List<PromptVariable> variables, JsonObject values) {
    Set<String> declared = new LinkedHashSet<>();
    variables.forEach(v -> declared.add(v.name()));
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(declared);
    Set<String> missing = new TreeSet<>();
    for (PromptVariable v : variables) {
      if (!values.containsKey(v.name()) && v.required() && v.defaultValue() == null) {
        missing.add(v.name());
      }
    }
    if (!unknown.isEmpty() || !missing.isEmpty()) {
      List<InvalidInputException.FieldError> errors = new ArrayList<>();
      missing.forEach(
          n ->
              errors.add(new InvalidInputException.FieldError("prompt.variables." + n, "missing")));
      unknown.forEach(
          n ->
              errors.add(
                  new InvalidInputException.FieldError(
                      "prompt.variables." + n, "is not a variable of this prompt")));
      String msg =
          (missing.isEmpty() ? "" : "missing variables: " + String.join(", ", missing))
              + (missing.isEmpty() || unknown.isEmpty() ? "" : "; ")
              + (unknown.isEmpty() ? "" : "unknown variables: " + String.join(", ", unknown));
      throw new InvalidInputException("prompt.variables: " + msg, errors);
    }
    java.util.Map<String, String> text = new java.util.HashMap<>();
    for (PromptVariable v : variables) {
      JsonValue value = values.get(v.name());
      if (value == null) {
        text.put(v.name(), v.defaultValue() == null ? "" : v.defaultValue());
      } else {
        text.put(v.name(), check("prompt.variables." + v.name(), v, value, false));
      }
    }
    JsonArrayBuilder out = JSON.createArrayBuilder();
    if (template instanceof JsonArray a) {
      for (JsonValue m : a) {
        JsonObject msg = (JsonObject) m;
        out.add(
            JSON.createObjectBuilder()
                .add("role", msg.getString("role"))
                .add("content", substitute(msg.getString("content"), text)));
      }
    } else {
      out.add(
          JSON.createObjectBuilder()
              .add("role", "user")
              .add("content", substitute(((JsonString) template).getString(), text)));
    }
    return out.build();
  }

  private static String substitute(String t, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(t);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** The value as text in the template; a 400 naming the field when its type is wrong. */
  private static String check(String field, PromptVariable v, JsonValue value, boolean isDefault) {
    String raw = value instanceof JsonString s ? s.getString() : value.toString();
    switch (v.type()) {
      case STRING -> {
        if (!(value instanceof JsonString)) {
          throw InvalidInputException.field(field, "must be a string");
        }
        return raw;
      }
      case NUMBER -> {
        if (value instanceof JsonNumber n) {
          return n.toString();
        }
        if (isDefault) {
          try {
            return new java.math.BigDecimal(raw).toString();
          } catch (NumberFormatException e) {
            // falls through to the error
          }
        }
        throw InvalidInputException.field(field, "must be a number");
      }
      case BOOLEAN -> {
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
          return value.toString();
        }
        if (isDefault && (raw.equals("true") || raw.equals("false"))) {
          return raw;
        }
        throw InvalidInputException.field(field, "must be true or false");
      }
      default -> {
        return raw;
      }
    }
  }
}

package dev.tessera.governance.internal;

import dev.tessera.governance.api.DecisionAttempt;
import dev.tessera.governance.api.DecisionGuardrails;
import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.SafetyVerdict;
import dev.tessera.governance.api.safety.SafetyVerdicts;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decision log's two JSON columns: the guardrail verdicts and the upstream attempts, written by
 * the log's writer thread (never on the request path) and read back into the API's records.
 */
final class DecisionJson {
  private static final JsonProvider JSON = PromptTemplates.JSON;

  private DecisionJson() {}

  /** {@code blocked}, {@code flagged} or {@code passed}. */
  static String verdict(SafetyVerdicts v) {
    boolean flagged = false;
    for (SafetyVerdict c : v.verdicts()) {
      if (c.blocks()) {
        return "blocked";
      }
      flagged |= c.flagged();
    }
    return flagged ? "flagged" : "passed";
  }

  static String guardrails(SafetyVerdicts v) {
    if (v == null) {
      return null;
    }
    // by hand, not through a JSON builder: the single writer thread does this for every request
    StringBuilder b = new StringBuilder(64 + 96 * v.verdicts().size());
    b.append("{\"verdict\":");
    quote(b, verdict(v)).append(",\"checks\":[");
    boolean first = true;
    for (SafetyVerdict c : v.verdicts()) {
      b.append(first ? "" : ",").append("{\"check\":");
      quote(b, c.check()).append(",\"mode\":");
      quote(b, c.mode().name()).append(",\"flagged\":").append(c.flagged()).append(",\"reason\":");
      quote(b, c.reason()).append('}');
      first = false;
    }
    b.append("],\"pii\":{");
    first = true;
    for (Map.Entry<String, Integer> e : v.piiCounts().entrySet()) {
      b.append(first ? "" : ",");
      quote(b, e.getKey()).append(':').append(e.getValue());
      first = false;
    }
    return b.append("}}").toString();
  }

  static String attempts(List<DecisionAttempt> attempts) {
    if (attempts == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(2 + 112 * attempts.size()).append('[');
    boolean first = true;
    for (DecisionAttempt a : attempts) {
      b.append(first ? "{\"model\":" : ",{\"model\":");
      quote(b, a.model()).append(",\"provider\":");
      quote(b, a.provider()).append(",\"fallback\":").append(a.fallback()).append(",\"outcome\":");
      quote(b, a.outcome()).append(",\"status\":");
      b.append(a.status() == null || a.status() == 0 ? "null" : a.status().toString());
      b.append(",\"latencyMillis\":").append(a.latencyMillis()).append('}');
      first = false;
    }
    return b.append(']').toString();
  }

  /** Appends {@code s} as a JSON string (RFC 8259 escapes), or {@code null}. */
  static StringBuilder quote(StringBuilder b, String s) {
    if (s == null) {
      return b.append("null");
    }
    return b.append(JSON.createValue(s)); // a JsonString prints itself quoted and escaped
  }

  private static String text(JsonObject o, String name) {
    return o.isNull(name) ? null : o.getString(name);
  }

  static DecisionGuardrails readGuardrails(String json) {
    if (json == null) {
      return null;
    }
    JsonObject o = parse(json).asJsonObject();
    List<SafetyVerdict> checks = new ArrayList<>();
    for (JsonValue c : o.getJsonArray("checks")) {
      JsonObject v = c.asJsonObject();
      checks.add(
          new SafetyVerdict(
              v.getString("check"),
              CheckMode.valueOf(v.getString("mode")),
              v.getBoolean("flagged"),
              v.getString("reason")));
    }
    Map<String, Integer> pii = new LinkedHashMap<>();
    o.getJsonObject("pii")
        .forEach((kind, n) -> pii.put(kind, ((jakarta.json.JsonNumber) n).intValue()));
    return new DecisionGuardrails(o.getString("verdict"), checks, pii);
  }

  static List<DecisionAttempt> readAttempts(String json) {
    if (json == null) {
      return null;
    }
    JsonArray a = parse(json).asJsonArray();
    List<DecisionAttempt> out = new ArrayList<>(a.size());
    for (JsonValue v : a) {
      JsonObject o = v.asJsonObject();
      out.add(
          new DecisionAttempt(
              text(o, "model"),
              text(o, "provider"),
              o.getBoolean("fallback"),
              text(o, "outcome"),
              o.isNull("status") ? null : o.getInt("status"),
              o.getJsonNumber("latencyMillis").longValue()));
    }
    return out;
  }

  private static JsonValue parse(String json) {
    try (var r = JSON.createReader(new StringReader(json))) {
      return r.readValue();
    }
  }
}

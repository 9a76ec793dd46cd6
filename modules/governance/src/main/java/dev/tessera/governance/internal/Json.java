package dev.tessera.governance.internal;

import dev.tessera.governance.api.PromptVersionView;
import dev.tessera.governance.api.PromptView;
import dev.tessera.governance.api.TrafficSplit;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The JSON the registry writes into audit entries, and its name cursors. */
final class Json {
  private static volatile Jsonb jsonb;

  private Json() {}

  private static Jsonb jsonb() {
    if (jsonb == null) {
      jsonb = JsonbBuilder.create();
    }
    return jsonb;
  }

  static String of(Object value) {
    return jsonb().toJson(value);
  }

  static String of(PromptView prompt, PromptVersionView version) {
    return "{\"prompt\":" + of(prompt) + ",\"version\":" + of(version) + "}";
  }

  static String label(String label, Integer version) {
    return label(label, version, null, null);
  }

  static String label(String label, Integer version, String by, String reason) {
    JsonObjectBuilder o = PromptTemplates.JSON.createObjectBuilder().add("label", label);
    if (version == null) {
      o.addNull("version");
    } else {
      o.add("version", version);
    }
    if (by != null) {
      o.add("by", by);
    }
    if (reason != null) {
      o.add("reason", reason);
    }
    return o.build().toString();
  }

  static String traffic(TrafficSplit s) {
    return s == null
        ? null
        : PromptTemplates.JSON
            .createObjectBuilder()
            .add("champion", s.champion())
            .add("challenger", s.challenger())
            .add("challengerPercent", s.challengerPercent())
            .build()
            .toString();
  }

  static String encodeCursor(String name) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("prompt:" + name).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeCursor(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!raw.startsWith("prompt:")) {
        throw new IllegalArgumentException();
      }
      return raw.substring(7);
    } catch (RuntimeException e) {
      throw InvalidInputException.field("cursor", "is not a cursor this API returned");
    }
  }
}

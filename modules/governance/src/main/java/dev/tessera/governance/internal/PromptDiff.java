package dev.tessera.governance.internal;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.tessera.governance.api.PromptVersionView;
import java.util.ArrayList;
import java.util.List;

/** A unified diff (java-diff-utils) of two versions as people read them: messages, then config. */
final class PromptDiff {
  private PromptDiff() {}

  static String between(PromptVersionView a, PromptVersionView b) {
    List<String> left = lines(a);
    List<String> right = lines(b);
    Patch<String> patch = DiffUtils.diff(left, right);
    List<String> out =
        UnifiedDiffUtils.generateUnifiedDiff(
            a.prompt() + "@" + a.version(), b.prompt() + "@" + b.version(), left, patch, 3);
    return out.isEmpty() ? "" : String.join("\n", out) + "\n";
  }

  private static List<String> lines(PromptVersionView v) {
    List<String> out = new ArrayList<>();
    var template = PromptTemplates.parse("template", v.template());
    if (template instanceof jakarta.json.JsonArray messages) {
      for (var m : messages) {
        var msg = (jakarta.json.JsonObject) m;
        out.add("[" + msg.getString("role") + "]");
        msg.getString("content").lines().forEach(out::add);
      }
    } else {
      ((jakarta.json.JsonString) template).getString().lines().forEach(out::add);
    }
    out.add("[variables]");
    v.variables()
        .forEach(
            x ->
                out.add(
                    x.name()
                        + ": "
                        + x.type().name().toLowerCase(java.util.Locale.ROOT)
                        + (x.required() ? "" : " (optional)")
                        + (x.defaultValue() == null ? "" : " = " + x.defaultValue())));
    out.add("[config]");
    var config = (jakarta.json.JsonObject) PromptTemplates.parse("config", v.config());
    new java.util.TreeMap<>(config).forEach((k, val) -> out.add(k + ": " + val));
    return out;
  }
}

package dev.tessera.governance.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.tessera.governance.api.EvalExpectations;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks one answer against a golden case's expectations; answers what it missed. */
final class EvalChecks {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern CITATION = Pattern.compile("\\[(\\d+|[a-zA-Z0-9_-]+:\\d+)\\]");
  private static final Pattern REFUSAL =
      Pattern.compile(
          "\\b(i can(no|')t|i cannot|i'm unable|i am unable|i won't|i will not|unable to help|"
              + "not able to (help|answer)|i do not know|i don't know|cannot answer)\\b",
          Pattern.CASE_INSENSITIVE);

  private EvalChecks() {}

  static List<String> failures(EvalExpectations e, String output, int completionTokens) {
    List<String> failed = new ArrayList<>();
    String text = output == null ? "" : output;
    String lower = text.toLowerCase(Locale.ROOT);
    if (e.contains() != null) {
      for (String c : e.contains()) {
        if (!lower.contains(c.toLowerCase(Locale.ROOT))) {
          failed.add("does not contain '" + c + "'");
        }
      }
    }
    if (e.excludes() != null) {
      for (String x : e.excludes()) {
        if (lower.contains(x.toLowerCase(Locale.ROOT))) {
          failed.add("contains '" + x + "'");
        }
      }
    }
    if (e.jsonSchema() != null) {
      try {
        JsonNode answer = MAPPER.readTree(text);
        JsonSchema schema =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(e.jsonSchema());
        Set<ValidationMessage> errors = schema.validate(answer);
        if (!errors.isEmpty()) {
          failed.add("is not valid against the schema: " + errors.iterator().next().getMessage());
        }
      } catch (Exception notJson) {
        failed.add("is not JSON");
      }
    }
    if (Boolean.TRUE.equals(e.citesEvidence()) && !CITATION.matcher(text).find()) {
      failed.add("cites no evidence");
    }
    if (e.refusal() != null && e.refusal() != REFUSAL.matcher(text).find()) {
      failed.add(e.refusal() ? "does not refuse" : "refuses");
    }
    if (e.maxTokens() != null && completionTokens > e.maxTokens()) {
      failed.add("uses " + completionTokens + " tokens, more than " + e.maxTokens());
    }
    return failed;
  }
}

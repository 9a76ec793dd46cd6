package dev.tessera.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.governance.api.PromptVariable;
import dev.tessera.governance.api.PromptVariable.Type;
import dev.tessera.tenancy.api.InvalidInputException;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptTemplatesTest {
  private static final List<PromptVariable> VARS =
      List.of(
          new PromptVariable("question", Type.STRING, true, null),
          new PromptVariable("days", Type.NUMBER, true, "30"));
  private static final JsonValue TEMPLATE =
      PromptTemplates.parse(
          "template",
          "[{\"role\":\"system\",\"content\":\"Refunds take {{ days }} days.\"},"
              + "{\"role\":\"user\",\"content\":\"{{question}}\"}]");

  private static JsonObject values(String json) {
    return (JsonObject) PromptTemplates.parse("v", json);
  }

  @Test
  void renders_values_and_defaults() {
    var out =
        PromptTemplates.render("chat", TEMPLATE, VARS, values("{\"question\":\"How long?\"}"));
    assertThat(out.getJsonObject(0).getString("content")).isEqualTo("Refunds take 30 days.");
    assertThat(out.getJsonObject(1).getString("content")).isEqualTo("How long?");
  }

  @Test
  void missing_and_unknown_variables_are_named() {
    assertThatThrownBy(() -> PromptTemplates.render("chat", TEMPLATE, VARS, values("{\"tone\":1}")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("missing variables: question")
        .hasMessageContaining("unknown variables: tone");
  }

  @Test
  void a_value_of_the_wrong_type_is_refused() {
    assertThatThrownBy(
            () ->
                PromptTemplates.render(
                    "chat", TEMPLATE, VARS, values("{\"question\":\"q\",\"days\":\"soon\"}")))
        .hasMessageContaining("prompt.variables.days");
  }

  @Test
  void undeclared_placeholders_and_unknown_config_are_refused() {
    assertThatThrownBy(
            () -> PromptTemplates.validate("chat", TEMPLATE, VARS.subList(0, 1), JsonValue.NULL))
        .hasMessageContaining("undeclared variables: days");
    assertThatThrownBy(
            () ->
                PromptTemplates.validate(
                    "chat", TEMPLATE, VARS, PromptTemplates.parse("c", "{\"modle\":1}")))
        .hasMessageContaining("config.modle");
  }

  @Test
  void a_replacement_with_dollar_signs_is_taken_literally() {
    var out =
        PromptTemplates.render("chat", TEMPLATE, VARS, values("{\"question\":\"$1 or \\\\$2?\"}"));
    assertThat(out.getJsonObject(1).getString("content")).isEqualTo("$1 or \\$2?");
  }
}

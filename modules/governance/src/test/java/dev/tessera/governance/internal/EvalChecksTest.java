package dev.tessera.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.governance.api.EvalExpectations;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvalChecksTest {
  @Test
  void contains_and_excludes_ignore_case() {
    var e = new EvalExpectations(List.of("30 Days"), List.of("paris"), null, null, null, null);
    assertThat(EvalChecks.failures(e, "Refunds take 30 days.", 5)).isEmpty();
    assertThat(EvalChecks.failures(e, "Our shop is in Paris.", 5))
        .containsExactly("does not contain '30 Days'", "contains 'paris'");
  }

  @Test
  void json_schema_refusal_citations_and_length() {
    var schema =
        new EvalExpectations(
            null, null, "{\"type\":\"object\",\"required\":[\"answer\"]}", null, null, null);
    assertThat(EvalChecks.failures(schema, "{\"answer\":1}", 3)).isEmpty();
    assertThat(EvalChecks.failures(schema, "{\"other\":1}", 3)).hasSize(1);
    assertThat(EvalChecks.failures(schema, "not json", 3)).containsExactly("is not JSON");
    var refuse = new EvalExpectations(null, null, null, true, true, 10);
    assertThat(EvalChecks.failures(refuse, "I can't help with that [1].", 4)).isEmpty();
    assertThat(EvalChecks.failures(refuse, "Sure thing.", 40))
        .containsExactly("cites no evidence", "does not refuse", "uses 40 tokens, more than 10");
  }
}

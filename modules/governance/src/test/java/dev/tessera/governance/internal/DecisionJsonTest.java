package dev.tessera.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.governance.api.DecisionAttempt;
import dev.tessera.governance.api.DecisionGuardrails;
import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.SafetyVerdict;
import dev.tessera.governance.api.safety.SafetyVerdicts;
import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DecisionJsonTest {
  private static SafetyVerdicts verdicts(SafetyVerdict... v) {
    return new SafetyVerdicts(
        new TenantId(UUID.randomUUID()), "req_1", List.of(v), Map.of("EMAIL", 2, "US_SSN", 1));
  }

  @Test
  void the_verdict_is_the_worst_of_its_checks() {
    SafetyVerdict clean = new SafetyVerdict("prompt_injection", CheckMode.MONITOR, false, "");
    SafetyVerdict seen = new SafetyVerdict("output_pii", CheckMode.MONITOR, true, "found EMAIL");
    SafetyVerdict refused = new SafetyVerdict("pii", CheckMode.BLOCK, true, "found US_SSN");
    assertThat(DecisionJson.verdict(verdicts(clean))).isEqualTo("passed");
    assertThat(DecisionJson.verdict(verdicts(clean, seen))).isEqualTo("flagged");
    assertThat(DecisionJson.verdict(verdicts(seen, refused))).isEqualTo("blocked");
  }

  @Test
  void guardrails_and_attempts_read_back_as_written() {
    SafetyVerdict injection =
        new SafetyVerdict(
            "prompt_injection", CheckMode.MONITOR, true, "looks like \"one\"\\\n\u0001");
    DecisionGuardrails g =
        DecisionJson.readGuardrails(DecisionJson.guardrails(verdicts(injection)));
    assertThat(g.verdict()).isEqualTo("flagged");
    assertThat(g.checks()).containsExactly(injection);
    assertThat(g.pii()).containsExactlyInAnyOrderEntriesOf(Map.of("EMAIL", 2, "US_SSN", 1));

    List<DecisionAttempt> attempts =
        List.of(
            new DecisionAttempt("dear", "openai", false, "server_error", 500, 12),
            new DecisionAttempt("cheap", null, true, "ok", null, 3));
    assertThat(DecisionJson.readAttempts(DecisionJson.attempts(attempts))).isEqualTo(attempts);
    assertThat(DecisionJson.attempts(List.of())).isEqualTo("[]");
    assertThat(DecisionJson.attempts(null)).isNull();
    assertThat(DecisionJson.guardrails(null)).isNull();
  }
}

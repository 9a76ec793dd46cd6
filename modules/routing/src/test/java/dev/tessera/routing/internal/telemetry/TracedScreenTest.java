package dev.tessera.routing.internal.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.governance.api.safety.SafetyChecks;
import dev.tessera.governance.api.safety.SafetyScreen;
import dev.tessera.governance.api.safety.SafetyVerdict;
import dev.tessera.governance.api.safety.SafetyVerdicts;
import dev.tessera.governance.api.safety.StreamRestorer;
import dev.tessera.governance.api.safety.TextSource;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Message content reaches the call's span only as it left for the provider (masked), only once the
 * input was admitted, and never when the answer leaks PII or the tenant did not consent.
 */
class TracedScreenTest {
  static final String EMAIL = "bob@example.org";

  @Test
  void the_masked_input_and_the_unrestored_answer_go_on_the_call_span() {
    RecordingSpan call = new RecordingSpan();
    TracedScreen screen = new TracedScreen(new FakeScreen(), new GatewayTracing(), call, true);
    assertThat(screen.outbound("You are terse.", TextSource.SYSTEM)).isEqualTo("You are terse.");
    assertThat(screen.outbound("Mail " + EMAIL + " now", TextSource.USER))
        .isEqualTo("Mail <EMAIL_1> now");
    screen.outbound("end-user-7", TextSource.METADATA);
    screen.admit();
    assertThat(screen.answer("Done, wrote to <EMAIL_1>.")).contains(EMAIL);

    String input = (String) call.attributes.get("gen_ai.input.messages");
    assertThat(input)
        .isEqualTo(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"content\":\"You are terse.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"Mail <EMAIL_1>"
                + " now\"}]}]");
    assertThat((String) call.attributes.get("gen_ai.output.messages"))
        .contains("Done, wrote to <EMAIL_1>.")
        .doesNotContain(EMAIL);
  }

  @Test
  void without_consent_no_text_goes_anywhere() {
    RecordingSpan call = new RecordingSpan();
    TracedScreen screen = new TracedScreen(new FakeScreen(), new GatewayTracing(), call, false);
    screen.outbound("Mail " + EMAIL, TextSource.USER);
    screen.admit();
    screen.answer("Done.");
    assertThat(call.attributes).isEmpty();
  }

  @Test
  void a_blocked_input_never_reaches_the_span() {
    RecordingSpan call = new RecordingSpan();
    TracedScreen screen = new TracedScreen(new FakeScreen(), new GatewayTracing(), call, true);
    screen.outbound("my ssn is BLOCKME", TextSource.USER);
    assertThatThrownBy(screen::admit).isInstanceOf(SafetyBlockedException.class);
    assertThat(call.attributes).doesNotContainKey("gen_ai.input.messages");
  }

  @Test
  void an_answer_flagged_for_pii_is_withheld() {
    RecordingSpan call = new RecordingSpan();
    TracedScreen screen = new TracedScreen(new FakeScreen(), new GatewayTracing(), call, true);
    screen.outbound("Who is the CEO?", TextSource.USER);
    screen.admit();
    screen.answer("Her mail is alice@example.org");
    assertThat(call.attributes).containsKey("gen_ai.input.messages");
    assertThat(call.attributes).doesNotContainKey("gen_ai.output.messages");
  }

  /** Masks one address, blocks on BLOCKME, flags answers with an @ as output PII. */
  static final class FakeScreen implements SafetyScreen {
    final List<SafetyVerdict> verdicts = new ArrayList<>();
    final Map<String, Integer> pii = new HashMap<>();
    boolean block;

    @Override
    public String outbound(String text, TextSource source) {
      block |= text.contains("BLOCKME");
      if (text.contains(EMAIL)) {
        pii.merge("EMAIL", 1, Integer::sum);
        return text.replace(EMAIL, "<EMAIL_1>");
      }
      return text;
    }

    @Override
    public void admit() {
      if (block) {
        verdicts.add(new SafetyVerdict(SafetyChecks.PII, CheckMode.BLOCK, true, "found US_SSN"));
        throw new SafetyBlockedException(SafetyChecks.PII, "blocked", List.of("US_SSN"));
      }
      verdicts.add(new SafetyVerdict(SafetyChecks.PROMPT_INJECTION, CheckMode.MONITOR, false, ""));
    }

    @Override
    public String answer(String text) {
      verdicts.add(
          new SafetyVerdict(SafetyChecks.OUTPUT_PII, CheckMode.MONITOR, text.contains("@"), ""));
      return restore(text);
    }

    @Override
    public String restore(String text) {
      return text.replace("<EMAIL_1>", EMAIL);
    }

    @Override
    public StreamRestorer streamRestorer() {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<String> jsonSchemaErrors(String answer, String schemaJson) {
      return List.of();
    }

    @Override
    public CheckMode mode(String check) {
      return CheckMode.MONITOR;
    }

    @Override
    public void judge(String check, boolean flagged, String reason) {}

    @Override
    public RuntimeException refuse(String check, String reason) {
      return new SafetyBlockedException(check, reason, List.of());
    }

    @Override
    public boolean restoresNothing() {
      return pii.isEmpty();
    }

    @Override
    public SafetyVerdicts verdicts() {
      return new SafetyVerdicts(null, "req", verdicts, pii);
    }

    @Override
    public void finish() {}
  }

  /** A span that keeps its attributes. */
  static final class RecordingSpan implements Span {
    final Map<String, Object> attributes = new HashMap<>();

    @Override
    public <T> Span setAttribute(AttributeKey<T> key, T value) {
      attributes.put(key.getKey(), value);
      return this;
    }

    @Override
    public Span addEvent(String name, Attributes attributes) {
      return this;
    }

    @Override
    public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
      return this;
    }

    @Override
    public Span setStatus(StatusCode statusCode, String description) {
      return this;
    }

    @Override
    public Span recordException(Throwable exception, Attributes additionalAttributes) {
      return this;
    }

    @Override
    public Span updateName(String name) {
      return this;
    }

    @Override
    public void end() {}

    @Override
    public void end(long timestamp, TimeUnit unit) {}

    @Override
    public SpanContext getSpanContext() {
      return SpanContext.getInvalid();
    }

    @Override
    public boolean isRecording() {
      return true;
    }
  }
}

package dev.tessera.routing.internal.telemetry;

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
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * A safety screen that records its work as {@code guardrails} spans under the call's span: one for
 * the input (from the first outbound text to the admit decision) and one per output check, with the
 * checks run, the verdict, whether it blocked and how many kinds of PII were found (never values).
 * For a tenant that opted in to content in traces, the text as it left for the provider (masked)
 * and the answer before placeholders are restored go on the call's span. Used only while tracing.
 */
final class TracedScreen implements SafetyScreen {
  static final AttributeKey<String> PHASE = AttributeKey.stringKey("tessera.guardrails.phase");
  static final AttributeKey<List<String>> CHECKS =
      AttributeKey.stringArrayKey("tessera.guardrails.checks");
  static final AttributeKey<String> VERDICT = AttributeKey.stringKey("tessera.guardrails.verdict");
  static final AttributeKey<Boolean> BLOCKED =
      AttributeKey.booleanKey("tessera.guardrails.blocked");
  static final AttributeKey<Long> PII_KINDS = AttributeKey.longKey("tessera.guardrails.pii_kinds");
  static final AttributeKey<String> INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");
  static final AttributeKey<String> OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");

  private final SafetyScreen screen;
  private final GatewayTracing tracing;
  private final Span call;
  private final boolean content;
  private long inputStarted;
  private int verdictsSeen;
  private List<GenAiMessages.Text> input;
  private List<String> output;

  TracedScreen(SafetyScreen screen, GatewayTracing tracing, Span call, boolean content) {
    this.screen = screen;
    this.tracing = tracing;
    this.call = call;
    this.content = content;
  }

  @Override
  public String outbound(String text, TextSource source) {
    if (inputStarted == 0) {
      inputStarted = GatewayTracing.epochNanos();
    }
    String masked = screen.outbound(text, source);
    if (content && masked != null && !masked.isEmpty() && GenAiMessages.role(source) != null) {
      if (input == null) {
        input = new ArrayList<>();
      }
      input.add(new GenAiMessages.Text(source, masked));
    }
    return masked;
  }

  @Override
  public void admit() {
    long started = inputStarted == 0 ? GatewayTracing.epochNanos() : inputStarted;
    boolean blocked = false;
    try {
      screen.admit();
    } catch (SafetyBlockedException e) {
      blocked = true;
      throw e;
    } finally {
      step("input", started, blocked);
    }
    // only once admitted: a blocked input keeps its PII in place and never leaves
    if (content && input != null) {
      call.setAttribute(INPUT_MESSAGES, GenAiMessages.input(input));
    }
  }

  @Override
  public String answer(String text) {
    long started = GatewayTracing.epochNanos();
    boolean blocked = false;
    try {
      return screen.answer(text);
    } catch (SafetyBlockedException e) {
      blocked = true;
      throw e;
    } finally {
      List<SafetyVerdict> seen = newVerdicts();
      record("output", started, blocked, seen);
      if (content && text != null && !blocked && !leaksPii(seen)) {
        if (output == null) {
          output = new ArrayList<>(1);
        }
        output.add(text);
        call.setAttribute(OUTPUT_MESSAGES, GenAiMessages.output(output));
      }
    }
  }

  /** An answer the output PII check flagged is not copied into a span, whatever the consent. */
  private static boolean leaksPii(List<SafetyVerdict> verdicts) {
    for (SafetyVerdict v : verdicts) {
      if (v.check().equals(SafetyChecks.OUTPUT_PII) && v.flagged()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public List<String> jsonSchemaErrors(String answer, String schemaJson) {
    long started = GatewayTracing.epochNanos();
    try {
      return screen.jsonSchemaErrors(answer, schemaJson);
    } finally {
      step("output", started, false);
    }
  }

  @Override
  public void judge(String check, boolean flagged, String reason) {
    long started = GatewayTracing.epochNanos();
    boolean blocked = false;
    try {
      screen.judge(check, flagged, reason);
    } catch (SafetyBlockedException e) {
      blocked = true;
      throw e;
    } finally {
      step("output", started, blocked);
    }
  }

  @Override
  public RuntimeException refuse(String check, String reason) {
    long started = GatewayTracing.epochNanos();
    RuntimeException refusal = screen.refuse(check, reason);
    step("output", started, true);
    return refusal;
  }

  private void step(String phase, long started, boolean blocked) {
    record(phase, started, blocked, newVerdicts());
  }

  /** The verdicts recorded since the last step. */
  private List<SafetyVerdict> newVerdicts() {
    List<SafetyVerdict> all = screen.verdicts().verdicts();
    List<SafetyVerdict> fresh =
        verdictsSeen >= all.size() ? List.of() : all.subList(verdictsSeen, all.size());
    verdictsSeen = all.size();
    return fresh;
  }

  private void record(String phase, long started, boolean blocked, List<SafetyVerdict> verdicts) {
    List<String> checks = new ArrayList<>(verdicts.size() + 1);
    AttributesBuilder a = Attributes.builder().put(PHASE, phase);
    if (phase.equals("input")) {
      checks.add(SafetyChecks.PII); // the PII scan runs on every outbound text
      SafetyVerdicts all = screen.verdicts();
      a.put(PII_KINDS, (long) all.piiCounts().size());
    }
    boolean flagged = false;
    for (SafetyVerdict v : verdicts) {
      if (!checks.contains(v.check())) {
        checks.add(v.check());
      }
      flagged |= v.flagged();
      blocked |= v.blocks();
    }
    a.put(CHECKS, checks)
        .put(VERDICT, blocked ? "blocked" : flagged ? "flagged" : "pass")
        .put(BLOCKED, blocked);
    tracing.ended(call, "guardrails", started, a.build(), blocked);
  }

  // ---- unchanged -------------------------------------------------------------------------

  @Override
  public String restore(String text) {
    return screen.restore(text);
  }

  @Override
  public StreamRestorer streamRestorer() {
    return screen.streamRestorer();
  }

  @Override
  public CheckMode mode(String check) {
    return screen.mode(check);
  }

  @Override
  public boolean restoresNothing() {
    return screen.restoresNothing();
  }

  @Override
  public SafetyVerdicts verdicts() {
    return screen.verdicts();
  }

  @Override
  public void finish() {
    screen.finish();
  }
}

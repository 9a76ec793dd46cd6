package dev.tessera.governance.api.safety;

import java.util.List;

/** The names of the guardrail checks, as policies and verdicts spell them. */
public final class SafetyChecks {
  public static final String PII = "pii";
  public static final String PROMPT_INJECTION = "prompt_injection";
  public static final String DENIED_TOPICS = "denied_topics";
  public static final String OUTPUT_PII = "output_pii";
  public static final String POLICY_TERMS = "policy_terms";
  public static final String JSON_SCHEMA = "json_schema";
  public static final String GROUNDEDNESS = "groundedness";
  public static final String TOOL_ARGUMENTS = "tool_arguments";

  /** Every check a policy may set a mode for. */
  public static final List<String> ALL =
      List.of(
          PROMPT_INJECTION,
          DENIED_TOPICS,
          OUTPUT_PII,
          POLICY_TERMS,
          JSON_SCHEMA,
          GROUNDEDNESS,
          TOOL_ARGUMENTS);

  private SafetyChecks() {}
}

package dev.tessera.governance.api.safety;

/**
 * Where a piece of outbound text came from. Injection checks treat the caller's own words and text
 * the caller passed along (documents, tool results) differently: the latter is where indirect
 * injection hides.
 */
public enum TextSource {
  SYSTEM,
  USER,
  ASSISTANT,
  /** The result of a tool call, fed back to the model. */
  TOOL_RESULT,
  /** Retrieved or attached documents. */
  DOCUMENT,
  /** Input of an embeddings call. */
  EMBEDDING_INPUT,
  /** Text around the conversation (end-user ids, tool descriptions): masked, not screened. */
  METADATA;

  /** Text the caller did not write itself. */
  public boolean thirdParty() {
    return this == TOOL_RESULT || this == DOCUMENT;
  }
}

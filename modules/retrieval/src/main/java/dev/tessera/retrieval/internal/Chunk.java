package dev.tessera.retrieval.internal;

/**
 * A piece of a document's text: {@code text.substring(start, end)} is {@code body}. {@code section}
 * is the heading path ("Refunds > Eligibility"), {@code anchor} a stable name for it within the
 * document (the heading path's slug and the chunk's ordinal in that section), unchanged by edits
 * elsewhere in the document.
 */
record Chunk(int seq, String section, String anchor, int start, int end, String body) {
  /** What is indexed and embedded: the section path gives a chunk its context. */
  String indexedText(String title) {
    return (title == null ? "" : title + "\n") + (section.isEmpty() ? "" : section + "\n") + body;
  }
}

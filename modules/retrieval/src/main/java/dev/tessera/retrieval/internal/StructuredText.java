package dev.tessera.retrieval.internal;

import java.util.List;

/**
 * A document's extracted text and its blocks in reading order: headings (level 1–6) and paragraphs
 * (level 0), each a character range of {@code text}. Chunks and citations point into this text.
 */
record StructuredText(String text, List<Block> blocks) {
  record Block(int start, int end, int headingLevel) {
    boolean heading() {
      return headingLevel > 0;
    }
  }

  StructuredText {
    blocks = List.copyOf(blocks);
  }
}

package dev.tessera.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkerTest {
  static final String MD =
      "# Refund policy\n\nRefunds are accepted within 30 days of purchase.\n\n"
          + "## Eligibility\n\nItems must be unused. Receipts are required.\n\n"
          + "## Shipping\n\nShipping to Norway takes five business days.\n";

  @Test
  void chunks_are_exact_ranges_of_the_text_and_never_cross_a_heading() {
    StructuredText doc = Extraction.markdown(MD);
    List<Chunk> chunks = Chunker.chunks(doc);
    assertThat(chunks).hasSize(3);
    for (Chunk c : chunks) {
      assertThat(MD.substring(c.start(), c.end())).isEqualTo(c.body());
      assertThat(c.body()).doesNotContain("#");
    }
    assertThat(chunks.get(1).section()).isEqualTo("Refund policy > Eligibility");
    assertThat(chunks.get(1).anchor()).isEqualTo("refund-policy/eligibility-1");
    assertThat(chunks.get(2).body()).isEqualTo("Shipping to Norway takes five business days.");
  }

  @Test
  void anchors_stay_when_another_section_changes() {
    String edited = MD.replace("Items must be unused.", "Items must be unused and in their box.");
    List<Chunk> before = Chunker.chunks(Extraction.markdown(MD));
    List<Chunk> after = Chunker.chunks(Extraction.markdown(edited));
    assertThat(after.get(2).anchor()).isEqualTo(before.get(2).anchor());
    assertThat(after.get(2).body()).isEqualTo(before.get(2).body());
  }

  @Test
  void a_long_paragraph_is_split_at_sentence_ends_within_the_limit() {
    StringBuilder p = new StringBuilder();
    for (int i = 0; i < 80; i++) {
      p.append("Sentence number ").append(i).append(" says something useful. ");
    }
    String text = p.toString().strip();
    List<Chunk> chunks = Chunker.chunks(Extraction.plain(text));
    assertThat(chunks.size()).isGreaterThan(1);
    for (Chunk c : chunks) {
      assertThat(c.end() - c.start()).isLessThanOrEqualTo(Chunker.MAX);
      assertThat(c.body()).endsWith(".");
      assertThat(text.substring(c.start(), c.end())).isEqualTo(c.body());
    }
  }

  @Test
  void html_headings_and_paragraphs_come_through_tika() throws Exception {
    String html =
        "<html><head><title>T</title><style>p{}</style></head><body><h1>Travel</h1>"
            + "<p>Book trains  two weeks ahead.</p><h2>Expenses</h2><p>Keep every receipt.</p></body></html>";
    StructuredText doc = Extraction.extract(html.getBytes(), Extraction.HTML);
    List<Chunk> chunks = Chunker.chunks(doc);
    assertThat(chunks).extracting(Chunk::section).containsExactly("Travel", "Travel > Expenses");
    assertThat(chunks.get(0).body()).isEqualTo("Book trains two weeks ahead.");
    assertThat(doc.text()).doesNotContain("p{}");
  }

  @Test
  void an_upload_that_is_not_what_it_claims_is_unreadable() {
    byte[] junk = "%PDF-1.7 this is not really a pdf".getBytes();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Extraction.extract(junk, Extraction.PDF))
        .isInstanceOf(Extraction.Unreadable.class);
  }

  @Test
  void types_outside_the_list_are_refused_with_415() {
    byte[] zip = {0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0};
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Extraction.mediaType(zip, "application/zip", "a.zip"))
        .isInstanceOf(dev.tessera.retrieval.api.RetrievalException.class)
        .hasMessageContaining("PDF, DOCX, HTML, Markdown or plain text");
    assertThat(Extraction.mediaType("# Hi\n\ntext".getBytes(), "text/markdown", "a.md"))
        .isEqualTo(Extraction.MARKDOWN);
    assertThat(Extraction.mediaType("plain words".getBytes(), null, "notes.txt"))
        .isEqualTo(Extraction.TEXT);
  }
}

package dev.tessera.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CitationCheckTest {
  static final String DOC =
      "Intro line.\n\nRefunds are accepted within 30 days of purchase. Receipts are required.";

  @Test
  void each_sentence_maps_to_the_exact_sentence_of_the_source_it_cites() {
    int start = DOC.indexOf("Refunds");
    var sources = List.of(new CitationCheck.Source(DOC.substring(start), start));
    var checked =
        CitationCheck.check(
            "Refunds are accepted within 30 days of purchase [1]. Receipts are required [1].",
            sources);
    assertThat(checked).hasSize(2);
    assertThat(checked).allMatch(CitationCheck.Checked::supported);
    var cite = checked.get(0).cites().get(0);
    assertThat(DOC.substring(cite.start(), cite.end()))
        .isEqualTo("Refunds are accepted within 30 days of purchase.");
    var second = checked.get(1).cites().get(0);
    assertThat(DOC.substring(second.start(), second.end())).isEqualTo("Receipts are required.");
  }

  @Test
  void uncited_and_unsupported_sentences_are_flagged() {
    var sources = List.of(new CitationCheck.Source("Refunds are accepted within 30 days.", 0));
    var checked =
        CitationCheck.check(
            "The moon is made of cheese. Penguins fly south in winter [1]. Refunds take 30 days [7].",
            sources);
    assertThat(checked).hasSize(3);
    assertThat(checked.get(0).cited()).isFalse();
    assertThat(checked.get(1).cited()).isTrue();
    assertThat(checked.get(1).supported()).isFalse();
    assertThat(checked.get(2).cited()).isFalse(); // [7] names no source
    assertThat(checked).noneMatch(CitationCheck.Checked::supported);
  }
}

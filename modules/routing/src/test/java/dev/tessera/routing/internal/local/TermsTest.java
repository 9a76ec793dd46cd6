package dev.tessera.routing.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TermsTest {

  @Test
  void inflections_meet_on_one_stem() {
    assertThat(Terms.of("refund refunds refunded refunding")).containsOnly("refund");
    assertThat(Terms.of("price prices priced")).containsOnly("pric");
    assertThat(Terms.of("policy policies")).containsOnly("policy");
    assertThat(Terms.of("box boxes")).containsOnly("box");
  }

  @Test
  void drops_stop_words_and_folds_case_and_accents() {
    assertThat(Terms.of("What is the Café's WINDOW?")).containsExactly("caf", "window");
    assertThat(Terms.of("class status")).containsExactly("class", "status");
  }
}

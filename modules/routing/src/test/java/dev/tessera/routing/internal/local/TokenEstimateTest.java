package dev.tessera.routing.internal.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.MessageRole;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

  @Test
  void english_counts_about_one_token_per_four_characters_or_three_quarters_word() {
    assertThat(TokenEstimate.of((String) null)).isZero();
    assertThat(TokenEstimate.of("")).isZero();
    assertThat(TokenEstimate.of("hello")).isEqualTo(2); // 1 word * 1.3
    assertThat(TokenEstimate.of("The refund window is 30 days.")).isEqualTo(8); // 6 words * 1.3
    assertThat(TokenEstimate.of("x".repeat(400))).isEqualTo(100);
  }

  @Test
  void cjk_characters_count_one_token_each() {
    assertThat(TokenEstimate.of("退款期限是三十天")).isEqualTo(8);
  }

  @Test
  void messages_add_framing_images_and_tool_calls() {
    ChatMessage image =
        new ChatMessage(
            MessageRole.USER,
            List.of(new ContentPart.Text("hello"), new ContentPart.Image("data:,", null)),
            null,
            null,
            null);

    assertThat(TokenEstimate.of(image))
        .isEqualTo(TokenEstimate.PER_MESSAGE + 2 + TokenEstimate.PER_IMAGE);
    assertThat(TokenEstimate.of(List.of(image, ChatMessage.system("hello"))))
        .isEqualTo(2 * TokenEstimate.PER_MESSAGE + 4 + TokenEstimate.PER_IMAGE);
  }

  @Test
  void never_shrinks_when_text_grows() {
    String text = "Refunds are paid to the original payment method within 5 business days.";
    for (int i = 1; i < text.length(); i++) {
      assertThat(TokenEstimate.of(text.substring(0, i)))
          .isLessThanOrEqualTo(TokenEstimate.of(text.substring(0, i + 1)));
    }
  }
}

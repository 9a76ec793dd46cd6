package dev.tessera.routing.internal.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Cache keys never confuse a crafted message with a conversation it imitates (issue 8). */
class CacheKeyTest {
  private static final TenantId TENANT = new TenantId(UUID.randomUUID());

  static ChatRequest ask(List<String> userTexts) {
    return new ChatRequest(
        "m",
        userTexts.stream()
            .map(
                t ->
                    new ChatMessage(
                        MessageRole.USER, List.of(new ContentPart.Text(t)), null, null, null))
            .toList(),
        null,
        null,
        null,
        0.0,
        null,
        null,
        null,
        null,
        null,
        null,
        false,
        false);
  }

  /** A one-message request whose single text makes it render exactly like {@code two}. */
  static ChatRequest imitation(ChatRequest two, String first, String second) {
    String marker = "\u0001MARK\u0001";
    String shape = ask(List.of(marker)).toString();
    String prefix = shape.substring(0, shape.indexOf(marker));
    String suffix = shape.substring(shape.indexOf(marker) + marker.length());
    String rendered = two.toString();
    String crafted = rendered.substring(prefix.length(), rendered.length() - suffix.length());
    assertThat(crafted).startsWith(first).endsWith(second);
    ChatRequest one = ask(List.of(crafted));
    assertThat(one.toString()).as("the imitation renders the same").isEqualTo(rendered);
    return one;
  }

  @Test
  void a_crafted_message_does_not_share_a_key_with_the_conversation_it_imitates() {
    ChatRequest two = ask(List.of("What is the refund policy?", "And for Acme?"));
    ChatRequest one = imitation(two, "What is the refund policy?", "And for Acme?");
    assertThat(ResponseCache.key(TENANT, "m", one))
        .isNotEqualTo(ResponseCache.key(TENANT, "m", two));
  }

  @Test
  void the_semantic_bucket_does_not_either() {
    // the bucket hashes everything before the last message: imitate two earlier messages
    ChatRequest twoBefore = ask(List.of("a", "b", "q"));
    ChatRequest earlier = ask(List.of("a", "b"));
    ChatRequest crafted = imitation(earlier, "a", "b");
    ChatRequest oneBefore =
        ask(List.of(((ContentPart.Text) crafted.messages().get(0).content().get(0)).text(), "q"));
    assertThat(SemanticCache.bucketKey(TENANT, "m", oneBefore))
        .isNotEqualTo(SemanticCache.bucketKey(TENANT, "m", twoBefore));
  }

  @Test
  void equal_requests_share_a_key_and_the_tenant_leads_it() {
    ChatRequest a = ask(List.of("hello"));
    ChatRequest b = ask(List.of("hello"));
    assertThat(ResponseCache.key(TENANT, "m", a)).isEqualTo(ResponseCache.key(TENANT, "m", b));
    assertThat(ResponseCache.key(TENANT, "m", a)).startsWith(TENANT + ":");
    assertThat(ResponseCache.key(TENANT, "m", a))
        .isNotEqualTo(ResponseCache.key(TENANT, "m", ask(List.of("hello "))));
  }
}

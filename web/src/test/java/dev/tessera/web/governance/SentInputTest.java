package dev.tessera.web.governance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.codec.OpenAiRequests;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentInputTest {
  @Test
  void the_input_text_is_the_sent_messages_in_openai_shape() {
    List<ChatMessage> messages =
        List.of(
            ChatMessage.system("You help <CUSTOMER_1>."),
            new ChatMessage(
                MessageRole.USER,
                List.of(
                    new ContentPart.Text("Mail <EMAIL_1> \"now\"\n\\ \t\u0002"),
                    new ContentPart.Image("https://img.example/a.png", "low")),
                null,
                null,
                "ann"),
            ChatMessage.assistant(null, List.of(new ToolCall("call_1", "crm.find", "{\"q\":1}"))),
            ChatMessage.toolResult("call_1", "found <PHONE_1>"));
    ChatRequest sent = ChatRequest.builder("m").messages(messages).build();

    String text = SentInput.text(sent);

    assertThat(text).startsWith("[{\"role\":\"system\",\"content\":\"You help <CUSTOMER_1>.\"}");
    // it reads back as the very messages that were sent
    String body = "{\"model\":\"m\",\"messages\":" + text + "}";
    try (var r = Json.createReader(new StringReader(body))) {
      assertThat(OpenAiRequests.chat(r.readObject()).messages()).isEqualTo(messages);
    }
  }
}

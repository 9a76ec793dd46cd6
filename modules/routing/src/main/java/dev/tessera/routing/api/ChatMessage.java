package dev.tessera.routing.api;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One message of a conversation. Assistant messages may carry {@code toolCalls}; tool messages
 * carry the {@code toolCallId} they answer and the result as content.
 */
public record ChatMessage(
    MessageRole role,
    List<ContentPart> content,
    List<ToolCall> toolCalls,
    String toolCallId,
    String name) {

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    content = content == null ? List.of() : List.copyOf(content);
    toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    if (role == MessageRole.TOOL) {
      Objects.requireNonNull(toolCallId, "toolCallId");
    }
  }

  public static ChatMessage system(String text) {
    return of(MessageRole.SYSTEM, text);
  }

  public static ChatMessage user(String text) {
    return of(MessageRole.USER, text);
  }

  public static ChatMessage assistant(String text) {
    return of(MessageRole.ASSISTANT, text);
  }

  /** An assistant turn that called tools (with optional text alongside). */
  public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
    return new ChatMessage(MessageRole.ASSISTANT, textParts(text), toolCalls, null, null);
  }

  /** The result of the tool call {@code toolCallId}. */
  public static ChatMessage toolResult(String toolCallId, String result) {
    return new ChatMessage(MessageRole.TOOL, textParts(result), null, toolCallId, null);
  }

  private static ChatMessage of(MessageRole role, String text) {
    return new ChatMessage(role, textParts(text), null, null, null);
  }

  private static List<ContentPart> textParts(String text) {
    return text == null ? List.of() : List.of(new ContentPart.Text(text));
  }

  /** The text parts joined, or {@code null} when the message has no text. */
  public String text() {
    List<String> texts =
        content.stream()
            .filter(ContentPart.Text.class::isInstance)
            .map(p -> ((ContentPart.Text) p).text())
            .collect(Collectors.toList());
    return texts.isEmpty() ? null : String.join("", texts);
  }
}

package dev.tessera.web.governance;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.ToolCall;

/**
 * The decision log's text of a request's input: its messages as they left for the provider (so with
 * the tenant's PII placeholders, never the caller's values), in OpenAI's message shape. Rendered by
 * the decision log's single writer thread for every request, so by hand rather than through a JSON
 * builder; never on the request path.
 */
final class SentInput {
  private SentInput() {}

  static String text(ChatRequest sent) {
    StringBuilder b = new StringBuilder(256).append('[');
    boolean first = true;
    for (ChatMessage m : sent.messages()) {
      if (!first) {
        b.append(',');
      }
      message(b, m);
      first = false;
    }
    return b.append(']').toString();
  }

  private static void message(StringBuilder b, ChatMessage m) {
    b.append("{\"role\":");
    quote(b, m.role().wireName());
    if (m.name() != null) {
      quote(b.append(",\"name\":"), m.name());
    }
    b.append(",\"content\":");
    if (m.content().size() == 1 && m.content().get(0) instanceof ContentPart.Text t) {
      quote(b, t.text());
    } else if (m.content().isEmpty()) {
      b.append("null");
    } else {
      b.append('[');
      boolean first = true;
      for (ContentPart p : m.content()) {
        b.append(first ? "" : ",");
        first = false;
        if (p instanceof ContentPart.Text t) {
          quote(b.append("{\"type\":\"text\",\"text\":"), t.text()).append('}');
        } else if (p instanceof ContentPart.Image i) {
          quote(b.append("{\"type\":\"image_url\",\"image_url\":{\"url\":"), i.url());
          if (i.detail() != null) {
            quote(b.append(",\"detail\":"), i.detail());
          }
          b.append("}}");
        }
      }
      b.append(']');
    }
    if (!m.toolCalls().isEmpty()) {
      b.append(",\"tool_calls\":[");
      boolean first = true;
      for (ToolCall c : m.toolCalls()) {
        b.append(first ? "{\"id\":" : ",{\"id\":");
        first = false;
        quote(b, c.id()).append(",\"type\":\"function\",\"function\":{\"name\":");
        quote(b, c.name()).append(",\"arguments\":");
        quote(b, c.arguments()).append("}}");
      }
      b.append(']');
    }
    if (m.toolCallId() != null) {
      quote(b.append(",\"tool_call_id\":"), m.toolCallId());
    }
    b.append('}');
  }

  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final jakarta.json.spi.JsonProvider JSON =
      jakarta.json.spi.JsonProvider.provider();

  /** Appends {@code s} as a JSON string (RFC 8259 escapes). */
  private static StringBuilder quote(StringBuilder b, String s) {
    return b.append(JSON.createValue(s)); // a JsonString prints itself quoted and escaped
  }
}

package dev.tessera.routing.api;

import java.util.Objects;

/** One part of a multi-part message content: text, or an image by URL (http(s) or data URL). */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

  /** A text part. */
  record Text(String text) implements ContentPart {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /** An image given by URL; {@code detail} is OpenAI's optional low/high/auto hint. */
  record Image(String url, String detail) implements ContentPart {
    public Image {
      Objects.requireNonNull(url, "url");
    }
  }
}

package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.ToolCall;
import java.util.List;

/**
 * A tokenizer-free token count, for the local models' usage and for admission and billing estimates
 * made before a provider reports real usage. It takes the larger of ~4 characters and ~1.3 words
 * per token (English BPE averages), and counts each CJK character as a token, since those scripts
 * have no spaces and tokenize near one token per character.
 */
public final class TokenEstimate {
  /** Role and separator framing that chat formats add around every message. */
  public static final int PER_MESSAGE = 4;

  /** What OpenAI bills for a low-detail image; a fair flat guess for any image part. */
  public static final int PER_IMAGE = 85;

  private TokenEstimate() {}

  /** Estimated tokens of {@code text}; 0 for {@code null} or empty. */
  public static int of(String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    int chars = 0;
    int words = 0;
    int wide = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isWide(cp)) {
        wide++;
        inWord = false;
      } else if (Character.isWhitespace(cp)) {
        inWord = false;
      } else {
        chars++;
        if (!inWord) {
          words++;
          inWord = true;
        }
      }
    }
    return wide + (int) Math.ceil(Math.max(chars / 4.0, words * 1.3));
  }

  /** Estimated tokens of one message: its text, tool calls, images and framing. */
  public static int of(ChatMessage message) {
    int tokens = PER_MESSAGE + of(message.name());
    for (ContentPart part : message.content()) {
      tokens += part instanceof ContentPart.Text t ? of(t.text()) : PER_IMAGE;
    }
    for (ToolCall call : message.toolCalls()) {
      tokens += of(call.name()) + of(call.arguments());
    }
    return tokens;
  }

  /** Estimated prompt tokens of a conversation. */
  public static int of(List<ChatMessage> messages) {
    int tokens = 0;
    for (ChatMessage m : messages) {
      tokens += of(m);
    }
    return tokens;
  }

  private static boolean isWide(int cp) {
    Character.UnicodeScript s = Character.UnicodeScript.of(cp);
    return s == Character.UnicodeScript.HAN
        || s == Character.UnicodeScript.HIRAGANA
        || s == Character.UnicodeScript.KATAKANA
        || s == Character.UnicodeScript.HANGUL
        || s == Character.UnicodeScript.THAI;
  }
}

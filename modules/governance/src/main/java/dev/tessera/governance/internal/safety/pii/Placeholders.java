package dev.tessera.governance.internal.safety.pii;

import java.util.HashMap;
import java.util.Map;

/**
 * One request's reversible placeholders: the same value gets the same placeholder ({@code
 * <EMAIL_1>}) wherever it appears in the request, and {@link #restore} puts the values back into
 * the answer. Lives only as long as its request, in memory; nothing of it is stored or logged.
 */
public final class Placeholders {
  private final Map<String, String> byValue = new HashMap<>();
  private final Map<String, String> values = new HashMap<>();
  private final Map<String, Integer> counters = new HashMap<>();
  private int longest;

  /** The placeholder for {@code value} of kind {@code type}, made on first use. */
  public String of(String type, String value) {
    String key = type + '\u0000' + value;
    String p = byValue.get(key);
    if (p == null) {
      int n = counters.merge(type, 1, Integer::sum);
      p = "<" + type + "_" + n + ">";
      byValue.put(key, p);
      values.put(p, value);
      longest = Math.max(longest, p.length());
    }
    return p;
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The longest placeholder issued, in characters. */
  int longest() {
    return longest;
  }

  /** {@code text} with every placeholder of this request replaced by its value. */
  public String restore(String text) {
    if (values.isEmpty() || text == null) {
      return text;
    }
    StringBuilder out = null;
    int copied = 0;
    int at = text.indexOf('<');
    while (at >= 0) {
      int close = text.indexOf('>', at + 1);
      if (close < 0) {
        break;
      }
      String value = close - at < longest ? values.get(text.substring(at, close + 1)) : null;
      if (value != null) {
        if (out == null) {
          out = new StringBuilder(text.length() + 32);
        }
        out.append(text, copied, at).append(value);
        copied = close + 1;
        at = text.indexOf('<', close + 1);
      } else {
        at = text.indexOf('<', at + 1);
      }
    }
    if (out == null) {
      return text;
    }
    return out.append(text, copied, text.length()).toString();
  }

  /** Where a tail of {@code text} may be the start of a placeholder, else {@code text.length()}. */
  int heldFrom(String text) {
    int from = Math.max(0, text.length() - longest);
    int lt = text.lastIndexOf('<');
    if (lt < from) {
      return text.length();
    }
    for (int i = lt + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return text.length();
      }
    }
    return lt;
  }

  /** A restorer for one streamed choice. */
  public Streaming streaming() {
    return new Streaming();
  }

  /** Restores one streamed choice, holding back a tail that may be a placeholder's beginning. */
  public final class Streaming {
    private String held = "";

    public String feed(String delta) {
      if (delta == null) {
        return null;
      }
      if (values.isEmpty()) {
        return delta;
      }
      String text = held.isEmpty() ? delta : held + delta;
      int cut = heldFrom(text);
      held = text.substring(cut);
      return restore(text.substring(0, cut));
    }

    public String flush() {
      String rest = held;
      held = "";
      return restore(rest);
    }
  }
}

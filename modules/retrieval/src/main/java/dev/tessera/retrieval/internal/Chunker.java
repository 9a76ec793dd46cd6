package dev.tessera.retrieval.internal;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Structure-aware chunking: a chunk never crosses a heading, gathers whole paragraphs up to {@link
 * #TARGET} characters, and splits a longer paragraph at sentence ends (at white space when a
 * sentence alone is too long). Chunks are exact character ranges of the extracted text.
 */
final class Chunker {
  static final int TARGET = 900;
  static final int MAX = 1400;

  private Chunker() {}

  static List<Chunk> chunks(StructuredText doc) {
    String text = doc.text();
    List<Chunk> out = new ArrayList<>();
    String[] path = new String[7];
    String section = "";
    Map<String, Integer> perSection = new HashMap<>();
    int start = -1;
    int end = -1;
    for (StructuredText.Block b : doc.blocks()) {
      if (b.heading()) {
        start = flush(text, start, end, section, perSection, out);
        path[b.headingLevel()] = text.substring(b.start(), b.end()).strip();
        for (int l = b.headingLevel() + 1; l < path.length; l++) {
          path[l] = null;
        }
        section = sectionOf(path);
        continue;
      }
      if (b.end() - b.start() > MAX) {
        start = flush(text, start, end, section, perSection, out);
        for (int[] piece : split(text, b.start(), b.end())) {
          emit(text, piece[0], piece[1], section, perSection, out);
        }
        continue;
      }
      if (start >= 0 && b.end() - start > TARGET) {
        start = flush(text, start, end, section, perSection, out);
      }
      if (start < 0) {
        start = b.start();
      }
      end = b.end();
    }
    flush(text, start, end, section, perSection, out);
    return out;
  }

  private static int flush(
      String text, int start, int end, String section, Map<String, Integer> n, List<Chunk> out) {
    if (start >= 0 && end > start) {
      emit(text, start, end, section, n, out);
    }
    return -1;
  }

  private static void emit(
      String text, int start, int end, String section, Map<String, Integer> n, List<Chunk> out) {
    int ordinal = n.merge(section, 1, Integer::sum);
    String slug = slug(section);
    String anchor = (slug.isEmpty() ? "p" : slug) + "-" + ordinal;
    out.add(new Chunk(out.size(), section, anchor, start, end, text.substring(start, end)));
  }

  /** Pieces of at most MAX characters, cut after a sentence end where there is one. */
  static List<int[]> split(String text, int from, int to) {
    List<int[]> pieces = new ArrayList<>();
    int start = from;
    while (to - start > MAX) {
      int cut = -1;
      for (int i = start + TARGET; i > start + TARGET / 3; i--) {
        char c = text.charAt(i - 1);
        if ((c == '.' || c == '!' || c == '?') && Character.isWhitespace(text.charAt(i))) {
          cut = i;
          break;
        }
      }
      if (cut < 0) {
        cut = start + TARGET;
        while (cut > start + 1 && !Character.isWhitespace(text.charAt(cut))) {
          cut--;
        }
        if (cut <= start + 1) {
          cut = start + TARGET;
        }
      }
      pieces.add(new int[] {start, cut});
      start = cut;
      while (start < to && Character.isWhitespace(text.charAt(start))) {
        start++;
      }
    }
    if (to > start) {
      pieces.add(new int[] {start, to});
    }
    return pieces;
  }

  private static String sectionOf(String[] path) {
    StringBuilder s = new StringBuilder();
    for (String p : path) {
      if (p != null && !p.isEmpty()) {
        s.append(s.length() == 0 ? "" : " > ").append(p);
      }
    }
    return s.toString();
  }

  static String slug(String section) {
    String ascii =
        Normalizer.normalize(section, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT)
            .replace(" > ", "/");
    String s = ascii.replaceAll("[^a-z0-9/]+", "-").replaceAll("-*/-*", "/");
    s = s.replaceAll("^-+|-+$", "");
    return s.length() > 120 ? s.substring(0, 120) : s;
  }
}

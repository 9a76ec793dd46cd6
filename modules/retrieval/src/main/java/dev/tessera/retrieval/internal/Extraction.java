package dev.tessera.retrieval.internal;

import dev.tessera.retrieval.api.RetrievalException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.tika.detect.DefaultDetector;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.TikaException;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.Parser;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns an upload into {@link StructuredText}. Markdown and plain text are decoded as UTF-8 and
 * kept byte for byte (so character ranges point into exactly what was sent); PDF, DOCX and HTML go
 * through Apache Tika, whose XHTML events give headings and paragraphs.
 */
final class Extraction {
  static final String PDF = "application/pdf";
  static final String DOCX =
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  static final String HTML = "text/html";
  static final String MARKDOWN = "text/markdown";
  static final String TEXT = "text/plain";

  /** What we accept, as the caller may name it. */
  static final Set<String> ACCEPTED = Set.of(PDF, DOCX, HTML, MARKDOWN, TEXT);

  private static final Detector DETECTOR = new DefaultDetector();
  private static final Parser PARSER = new AutoDetectParser();
  private static final Pattern MD_HEADING = Pattern.compile("^(#{1,6})[ \\t]+(.+?)[ \\t#]*$");

  private Extraction() {}

  /**
   * The type we will treat the upload as: the declared type when the bytes agree with it, else what
   * the bytes are; 415 when that is none of ours.
   */
  static String mediaType(byte[] content, String declared, String title) {
    String named =
        declared == null ? null : declared.split(";")[0].strip().toLowerCase(Locale.ROOT);
    if ("text/x-markdown".equals(named)) {
      named = MARKDOWN;
    }
    if (named == null || named.isEmpty() || "application/octet-stream".equals(named)) {
      named = null;
    }
    String detected;
    try {
      Metadata m = new Metadata();
      if (title != null) {
        m.set(TikaCoreProperties.RESOURCE_NAME_KEY, title);
      }
      if (named != null) {
        m.set(Metadata.CONTENT_TYPE, named);
      }
      MediaType t = DETECTOR.detect(new ByteArrayInputStream(content), m);
      detected = t.getBaseType().toString();
    } catch (IOException e) {
      detected = "application/octet-stream";
    }
    if ("text/x-web-markdown".equals(detected) || "text/x-markdown".equals(detected)) {
      detected = MARKDOWN;
    }
    if (detected.equals("application/xhtml+xml")) {
      detected = HTML;
    }
    String chosen;
    if (named != null && ACCEPTED.contains(named)) {
      // text types are hard to tell apart from bytes: trust the caller among them, never across
      boolean textual = named.startsWith("text/");
      boolean detectedTextual = detected.startsWith("text/");
      chosen = textual == detectedTextual || detected.equals(named) ? named : detected;
    } else {
      chosen = detected;
    }
    if (!ACCEPTED.contains(chosen)) {
      throw new RetrievalException(
          415,
          "unsupported-media-type",
          "Documents must be PDF, DOCX, HTML, Markdown or plain text; this one is "
              + (named != null ? "declared as " + named + " and " : "")
              + "looks like "
              + detected
              + ".");
    }
    return chosen;
  }

  /** Extracts the text; an unreadable file throws {@link Unreadable}. */
  static StructuredText extract(byte[] content, String mediaType) throws Unreadable {
    switch (mediaType) {
      case MARKDOWN:
        return markdown(utf8(content));
      case TEXT:
        return plain(utf8(content));
      default:
        return tika(content, mediaType);
    }
  }

  /** The file cannot be read as what it claims to be: dead-lettered, not retried. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message);
    }
  }

  private static String utf8(byte[] content) throws Unreadable {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(content))
          .toString();
    } catch (CharacterCodingException e) {
      throw new Unreadable("the text is not valid UTF-8");
    }
  }

  static StructuredText plain(String text) {
    List<StructuredText.Block> blocks = new ArrayList<>();
    paragraphs(text, 0, text.length(), blocks);
    return new StructuredText(text, blocks);
  }

  static StructuredText markdown(String text) {
    List<StructuredText.Block> blocks = new ArrayList<>();
    int paraStart = -1;
    int pos = 0;
    boolean fenced = false;
    while (pos < text.length()) {
      int nl = text.indexOf('\n', pos);
      int lineEnd = nl < 0 ? text.length() : nl;
      String line = text.substring(pos, lineEnd);
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
      }
      Matcher h = fenced ? null : MD_HEADING.matcher(line);
      if (h != null && h.matches()) {
        if (paraStart >= 0) {
          paragraphs(text, paraStart, pos, blocks);
          paraStart = -1;
        }
        blocks.add(new StructuredText.Block(pos + h.start(2), pos + h.end(2), h.group(1).length()));
      } else if (paraStart < 0 && !line.isBlank()) {
        paraStart = pos;
      }
      pos = lineEnd + 1;
    }
    if (paraStart >= 0) {
      paragraphs(text, paraStart, text.length(), blocks);
    }
    return new StructuredText(text, blocks);
  }

  /** Paragraphs of {@code text[from, to)}: runs of non-blank lines, trimmed. */
  private static void paragraphs(String text, int from, int to, List<StructuredText.Block> out) {
    int pos = from;
    int start = -1;
    int lastEnd = -1;
    while (pos < to) {
      int nl = text.indexOf('\n', pos);
      int lineEnd = nl < 0 || nl > to ? to : nl;
      boolean blank = text.substring(pos, lineEnd).isBlank();
      if (blank) {
        if (start >= 0) {
          add(text, start, lastEnd, out);
          start = -1;
        }
      } else {
        if (start < 0) {
          start = pos;
        }
        lastEnd = lineEnd;
      }
      pos = lineEnd + 1;
    }
    if (start >= 0) {
      add(text, start, lastEnd, out);
    }
  }

  private static void add(String text, int start, int end, List<StructuredText.Block> out) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (end > start) {
      out.add(new StructuredText.Block(start, end, 0));
    }
  }

  private static StructuredText tika(byte[] content, String mediaType) throws Unreadable {
    BlockHandler handler = new BlockHandler();
    Metadata metadata = new Metadata();
    metadata.set(Metadata.CONTENT_TYPE, mediaType);
    try {
      PARSER.parse(new ByteArrayInputStream(content), handler, metadata, new ParseContext());
    } catch (IOException | SAXException | TikaException | RuntimeException e) {
      throw new Unreadable("cannot read it as " + mediaType + ": " + firstLine(e.getMessage()));
    }
    StructuredText out = handler.result();
    if (out.text().isBlank()) {
      throw new Unreadable("no text could be extracted (a scanned PDF needs OCR first)");
    }
    return out;
  }

  private static String firstLine(String s) {
    return s == null ? "unknown error" : s.lines().findFirst().orElse("").strip();
  }

  /** Collects Tika's XHTML into text with one block per heading or paragraph-like element. */
  private static final class BlockHandler extends DefaultHandler {
    private static final Set<String> BLOCKS =
        Set.of(
            "p",
            "li",
            "div",
            "pre",
            "blockquote",
            "tr",
            "td",
            "th",
            "br",
            "table",
            "ul",
            "ol",
            "section",
            "article",
            "dt",
            "dd",
            "body");
    private final StringBuilder text = new StringBuilder();
    private final List<StructuredText.Block> blocks = new ArrayList<>();
    private int blockStart = 0;
    private int headingLevel = 0;
    private int skipDepth = 0;

    @Override
    public void startElement(String uri, String local, String qName, Attributes atts) {
      String name = local.isEmpty() ? qName : local;
      name = name.toLowerCase(Locale.ROOT);
      if (name.equals("head") || name.equals("script") || name.equals("style")) {
        skipDepth++;
        return;
      }
      if (name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1))) {
        close();
        headingLevel = name.charAt(1) - '0';
      } else if (BLOCKS.contains(name)) {
        close();
      }
    }

    @Override
    public void endElement(String uri, String local, String qName) {
      String name = (local.isEmpty() ? qName : local).toLowerCase(Locale.ROOT);
      if (name.equals("head") || name.equals("script") || name.equals("style")) {
        skipDepth = Math.max(0, skipDepth - 1);
        return;
      }
      if ((name.length() == 2 && name.charAt(0) == 'h' && Character.isDigit(name.charAt(1)))
          || BLOCKS.contains(name)) {
        close();
      }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
      if (skipDepth > 0) {
        return;
      }
      for (int i = start; i < start + length; i++) {
        char c = ch[i];
        boolean space = Character.isWhitespace(c);
        if (space) {
          // runs of white space inside a block become one space
          if (text.length() > blockStart && text.charAt(text.length() - 1) != ' ') {
            text.append(' ');
          }
        } else {
          text.append(c);
        }
      }
    }

    /** Ends the current block, if it has text, and starts the next after a blank line. */
    private void close() {
      int end = text.length();
      while (end > blockStart && text.charAt(end - 1) == ' ') {
        end--;
      }
      text.setLength(end);
      if (end > blockStart) {
        blocks.add(new StructuredText.Block(blockStart, end, headingLevel));
        text.append("\n\n");
      }
      blockStart = text.length();
      headingLevel = 0;
    }

    StructuredText result() {
      close();
      String t = text.toString();
      if (t.endsWith("\n\n")) {
        t = t.substring(0, t.length() - 2);
      }
      return new StructuredText(t, blocks);
    }
  }
}

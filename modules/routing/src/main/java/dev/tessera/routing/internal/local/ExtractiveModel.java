package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.internal.local.ContextSentences.Scored;
import dev.tessera.routing.internal.local.ContextSentences.Sentence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code local-extractive} chat model: the last user message is the question, every other
 * message is context; it answers with the few context sentences that match the question best, each
 * cited as {@code [n]}, n being the 1-based number of the message it came from. Pure function of
 * the messages, {@code maxTokens}, {@code stop} and the response format: no sampling, so the same
 * request always gets the same answer.
 */
final class ExtractiveModel {
  static final String NAME = "local-extractive";
  static final int MAX_SENTENCES = 3;

  /** Sentences scoring below this share of the best one are noise next to it, not an answer. */
  static final double MIN_RELATIVE_SCORE = 0.4;

  private static final int MAX_TOPIC_WORDS = 8;
  private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.!?;:,]+$");
  private static final Pattern WORD_END = Pattern.compile("\\S+");

  /** The answer text as the model emits it, why it stopped, and the estimated usage. */
  record Answer(String content, FinishReason finishReason, Usage usage) {}

  private ExtractiveModel() {}

  static Answer answer(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    int question = lastUserMessage(messages);
    ContextSentences context = new ContextSentences();
    for (int i = 0; i < messages.size(); i++) {
      if (i != question) {
        context.add(i + 1, messages.get(i).text());
      }
    }
    String questionText = question < 0 ? "" : nullToEmpty(messages.get(question).text());
    List<String> pieces = cite(select(context.rank(Terms.of(questionText))));
    if (pieces.isEmpty()) {
      pieces = List.of(nothingFound(questionText));
    }

    ResponseFormat format = request.responseFormat();
    Integer budget = request.maxTokens();
    if (budget != null && format.type() != ResponseFormat.Type.TEXT) {
      // The JSON wrapper is spent from the same budget as the answer inside it.
      budget = Math.max(0, budget - TokenEstimate.of(JsonAnswer.format(format, "")));
    }
    Limited limited = limit(pieces, request.stop(), budget);
    String content =
        format.type() == ResponseFormat.Type.TEXT
            ? limited.text()
            : JsonAnswer.format(format, limited.text());
    Usage usage = new Usage(TokenEstimate.of(messages), TokenEstimate.of(content), 0);
    return new Answer(content, limited.finishReason(), usage);
  }

  private static int lastUserMessage(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == MessageRole.USER) {
        return i;
      }
    }
    return -1;
  }

  /** The best few sentences, in the order they appear in the conversation. */
  private static List<Sentence> select(List<Scored> ranked) {
    if (ranked.isEmpty()) {
      return List.of();
    }
    double floor = ranked.get(0).score() * MIN_RELATIVE_SCORE;
    return ranked.stream()
        .limit(MAX_SENTENCES)
        .filter(s -> s.score() >= floor)
        .map(Scored::sentence)
        .sorted(Comparator.comparingInt(Sentence::position))
        .toList();
  }

  /** "The window is 30 days." from message 2 becomes "The window is 30 days [2]." */
  private static List<String> cite(List<Sentence> sentences) {
    List<String> cited = new ArrayList<>();
    for (Sentence s : sentences) {
      Matcher m = TRAILING_PUNCTUATION.matcher(s.text());
      String punctuation = m.find() ? m.group() : "";
      String body = s.text().substring(0, s.text().length() - punctuation.length()).stripTrailing();
      if (!punctuation.endsWith(".") && !punctuation.endsWith("!") && !punctuation.endsWith("?")) {
        punctuation = ".";
      }
      cited.add(body + " [" + s.messageNumber() + "]" + punctuation);
    }
    return cited;
  }

  private static String nothingFound(String question) {
    List<String> topic = Terms.contentWords(question);
    if (topic.isEmpty()) {
      return "I found nothing in the provided context to answer that.";
    }
    List<String> shown = topic.subList(0, Math.min(MAX_TOPIC_WORDS, topic.size()));
    return "I found nothing in the provided context about " + String.join(" ", shown) + ".";
  }

  private record Limited(String text, FinishReason finishReason) {}

  /**
   * Joins the pieces, cuts before the first stop sequence, then fits the token budget, preferring
   * to drop whole sentences over cutting one mid-way.
   */
  private static Limited limit(List<String> pieces, List<String> stops, Integer budget) {
    String text = String.join(" ", pieces);
    List<Integer> boundaries = new ArrayList<>();
    int end = -1;
    for (String piece : pieces) {
      end += piece.length() + 1;
      boundaries.add(end);
    }
    int cut = text.length();
    for (String stop : stops) {
      int at = stop.isEmpty() ? -1 : text.indexOf(stop);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    text = text.substring(0, cut);
    if (budget == null || TokenEstimate.of(text) <= budget) {
      return new Limited(text, FinishReason.STOP);
    }
    String fitted = "";
    for (int b : boundaries) {
      if (b <= text.length() && TokenEstimate.of(text.substring(0, b)) <= budget) {
        fitted = text.substring(0, b);
      }
    }
    if (fitted.isEmpty()) {
      Matcher words = WORD_END.matcher(text);
      while (words.find() && TokenEstimate.of(text.substring(0, words.end())) <= budget) {
        fitted = text.substring(0, words.end());
      }
    }
    return new Limited(fitted, FinishReason.LENGTH);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}

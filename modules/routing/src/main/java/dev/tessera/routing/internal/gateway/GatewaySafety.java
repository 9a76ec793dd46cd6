package dev.tessera.routing.internal.gateway;

import dev.tessera.governance.api.safety.CheckMode;
import dev.tessera.governance.api.safety.Safety;
import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.governance.api.safety.SafetyChecks;
import dev.tessera.governance.api.safety.SafetyScreen;
import dev.tessera.governance.api.safety.StreamRestorer;
import dev.tessera.governance.api.safety.TextSource;
import dev.tessera.governance.api.safety.tools.Tools;
import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.ChunkListener;
import dev.tessera.routing.api.ContentPart;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.ResponseFormat;
import dev.tessera.routing.api.ToolCall;
import dev.tessera.routing.api.ToolCallDelta;
import dev.tessera.routing.api.ToolDefinition;
import dev.tessera.routing.api.Usage;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The gateway's side of governance's safety screen: takes a chat request apart into the texts the
 * screen masks and checks, puts the masked request back together (what providers, caches and the
 * semantic index see), and restores the caller's values in answers, streamed ones included.
 */
@ApplicationScoped
public class GatewaySafety {
  @Inject Safety safety;
  @Inject Tools tools;

  /** A request as it may leave, with the screen that masked it. */
  record Screened(ChatRequest request, SafetyScreen screen, TenantId tenant) {}

  /** Masks and screens {@code request}; a blocked input throws before anything is held or sent. */
  Screened chat(GatewayCall call, ChatRequest request) {
    SafetyScreen screen = safety.screen(call.tenant(), call.requestId());
    boolean changed = false;
    List<ChatMessage> messages = new ArrayList<>(request.messages().size());
    for (ChatMessage m : request.messages()) {
      ChatMessage masked = mask(screen, m);
      changed |= masked != m;
      messages.add(masked);
    }
    List<ToolDefinition> tools = request.tools();
    if (!tools.isEmpty()) {
      List<ToolDefinition> maskedTools = new ArrayList<>(tools.size());
      for (ToolDefinition t : tools) {
        String d = screen.outbound(t.description(), TextSource.METADATA);
        maskedTools.add(d == t.description() ? t : new ToolDefinition(t.name(), d, t.parameters()));
        changed |= d != t.description();
      }
      tools = maskedTools;
    }
    String user = screen.outbound(request.user(), TextSource.METADATA);
    changed |= user != request.user();
    try {
      screen.admit();
    } catch (RuntimeException refused) {
      if (call.report() != null) {
        call.report().safety(screen.verdicts()); // the refusal and its check, for the decision
      }
      throw refused;
    }
    if (!changed) {
      return new Screened(request, screen, call.tenant());
    }
    return new Screened(
        new ChatRequest(
            request.model(),
            messages,
            tools,
            request.toolChoice(),
            request.responseFormat(),
            request.temperature(),
            request.topP(),
            request.maxTokens(),
            request.stop(),
            request.seed(),
            user,
            request.n(),
            request.stream(),
            request.includeUsage()),
        screen,
        call.tenant());
  }

  private static ChatMessage mask(SafetyScreen screen, ChatMessage m) {
    TextSource source =
        switch (m.role()) {
          case SYSTEM -> TextSource.SYSTEM;
          case USER -> TextSource.USER;
          case TOOL -> TextSource.TOOL_RESULT;
          default -> TextSource.ASSISTANT;
        };
    boolean changed = false;
    List<ContentPart> parts = m.content();
    if (!parts.isEmpty()) {
      List<ContentPart> out = new ArrayList<>(parts.size());
      for (ContentPart p : parts) {
        if (p instanceof ContentPart.Text t) {
          String masked = screen.outbound(t.text(), source);
          changed |= masked != t.text();
          out.add(masked == t.text() ? p : new ContentPart.Text(masked));
        } else {
          out.add(p);
        }
      }
      parts = out;
    }
    List<ToolCall> calls = m.toolCalls();
    if (!calls.isEmpty()) {
      List<ToolCall> out = new ArrayList<>(calls.size());
      for (ToolCall c : calls) {
        String args = screen.outbound(c.arguments(), TextSource.ASSISTANT);
        changed |= args != c.arguments();
        out.add(args == c.arguments() ? c : new ToolCall(c.id(), c.name(), args));
      }
      calls = out;
    }
    return changed ? new ChatMessage(m.role(), parts, calls, m.toolCallId(), m.name()) : m;
  }

  /**
   * Output checks on an upstream answer, before it is charged or cached: PII leakage, policy terms,
   * groundedness, and JSON validity against the request's schema with one repair attempt through
   * {@code repair} (the gateway's own call path). Throws when a block-mode check fails, so the hold
   * is released and nothing charged. Returns what the caller may get (still masked).
   */
  ChatResponse check(
      Screened s,
      ChatResponse answer,
      java.util.function.Function<ChatRequest, ChatResponse> repair) {
    SafetyScreen screen = s.screen();
    for (ChatChoice c : answer.choices()) {
      screen.answer(c.message().text());
      if (!c.message().toolCalls().isEmpty()
          && screen.mode(SafetyChecks.TOOL_ARGUMENTS) != CheckMode.OFF) {
        for (ToolCall call : c.message().toolCalls()) {
          // a call of a registered tool must match its schema before it is returned
          List<String> errors =
              tools.validate(s.tenant(), call.name(), screen.restore(call.arguments()));
          screen.judge(
              SafetyChecks.TOOL_ARGUMENTS,
              !errors.isEmpty(),
              errors.isEmpty()
                  ? ""
                  : "the model proposed tool '"
                      + call.name()
                      + "' with arguments its schema refuses: "
                      + errors.get(0));
        }
      }
    }
    ResponseFormat format = s.request().responseFormat();
    if (format.type() != ResponseFormat.Type.JSON_SCHEMA || answer.choices().isEmpty()) {
      return answer;
    }
    String schema = format.schema().toString();
    String text = answer.message().text();
    List<String> errors = screen.jsonSchemaErrors(text, schema);
    if (errors.isEmpty() || screen.mode(SafetyChecks.JSON_SCHEMA) != CheckMode.BLOCK) {
      return answer;
    }
    ChatRequest again =
        ChatRequest.builder(s.request().model())
            .messages(s.request().messages())
            .message(ChatMessage.assistant(text == null ? "" : text))
            .message(
                ChatMessage.user(
                    "Your answer is not valid against the required JSON schema: "
                        + String.join("; ", errors)
                        + ". Reply with the corrected JSON only, nothing else."))
            .responseFormat(format)
            .temperature(s.request().temperature())
            .maxTokens(s.request().maxTokens())
            .seed(s.request().seed())
            .build();
    // the repair call's own gate refuses an answer still invalid: its hold is released too
    ChatResponse repaired = repair.apply(again);
    Usage u = answer.usage();
    Usage r = repaired.usage();
    return new ChatResponse(
        answer.id(),
        answer.model(),
        repaired.choices(),
        new Usage(
            u.promptTokens() + r.promptTokens(),
            u.completionTokens() + r.completionTokens(),
            u.cachedTokens() + r.cachedTokens()));
  }

  /**
   * The gate of a repair call: its answer must be valid against the schema, else the call is
   * refused (its hold released, nothing charged) and so is the request.
   */
  static UnaryOperator<ChatResponse> repairGate(Screened s) {
    String schema = s.request().responseFormat().schema().toString();
    return r -> {
      List<String> still = s.screen().jsonSchemaErrors(r.message().text(), schema);
      if (!still.isEmpty()) {
        throw s.screen()
            .refuse(
                SafetyChecks.JSON_SCHEMA,
                "The answer is not valid against the response_format schema, even after one"
                    + " repair attempt: "
                    + still.get(0));
      }
      return r;
    };
  }

  /** The answer as the caller sees it: this request's placeholders restored. */
  ChatResponse restore(Screened s, ChatResponse answer) {
    SafetyScreen screen = s.screen();
    screen.finish();
    if (screen.restoresNothing()) {
      return answer;
    }
    List<ChatChoice> choices = new ArrayList<>(answer.choices().size());
    for (ChatChoice c : answer.choices()) {
      ChatMessage m = c.message();
      List<ContentPart> parts = new ArrayList<>(m.content().size());
      for (ContentPart p : m.content()) {
        parts.add(
            p instanceof ContentPart.Text t ? new ContentPart.Text(screen.restore(t.text())) : p);
      }
      List<ToolCall> calls = new ArrayList<>(m.toolCalls().size());
      for (ToolCall t : m.toolCalls()) {
        calls.add(new ToolCall(t.id(), t.name(), screen.restore(t.arguments())));
      }
      choices.add(
          new ChatChoice(
              c.index(),
              new ChatMessage(m.role(), parts, calls, m.toolCallId(), m.name()),
              c.finishReason()));
    }
    return new ChatResponse(answer.id(), answer.model(), choices, answer.usage());
  }

  /** What a streamed choice's output checks read, at most: beyond it the rest is not checked. */
  static final int STREAM_CHECK_LIMIT = 1 << 20;

  /**
   * Restores placeholders in a stream: per choice (and per tool call) a restorer holds back a tail
   * that may be a placeholder's beginning, released with the choice's finish or at the end. The
   * output checks (PII leakage, policy terms, groundedness) read each choice's whole answer when
   * the stream ends: their verdicts join the decision, and a block-mode check that flags ends the
   * stream with its refusal instead of its end marker (the chunks are already out and charged).
   */
  ChunkListener stream(GatewayCall call, Screened s, ChunkListener downstream) {
    SafetyScreen screen = s.screen();
    boolean checks =
        screen.mode(SafetyChecks.OUTPUT_PII) != CheckMode.OFF
            || screen.mode(SafetyChecks.POLICY_TERMS) != CheckMode.OFF
            || screen.mode(SafetyChecks.GROUNDEDNESS) != CheckMode.OFF;
    boolean restores = !screen.restoresNothing();
    if (!restores && !checks) {
      screen.finish();
      return downstream;
    }
    return new ChunkListener() {
      private final Map<Integer, StreamRestorer> text = new HashMap<>();
      private final Map<Long, StreamRestorer> args = new HashMap<>();
      private final Map<Integer, StringBuilder> answers = new HashMap<>();
      private String lastId;
      private String lastModel;

      @Override
      public void onChunk(ChatChunk chunk) {
        lastId = chunk.id();
        lastModel = chunk.model();
        if (checks) {
          for (ChunkChoice c : chunk.choices()) {
            if (c.content() != null) {
              StringBuilder a = answers.computeIfAbsent(c.index(), i -> new StringBuilder());
              if (a.length() < STREAM_CHECK_LIMIT) {
                a.append(c.content(), 0, Math.min(c.content().length(), STREAM_CHECK_LIMIT));
              }
            }
          }
        }
        if (chunk.choices().isEmpty() || !restores) {
          downstream.onChunk(chunk);
          return;
        }
        List<ChunkChoice> out = new ArrayList<>(chunk.choices().size());
        for (ChunkChoice c : chunk.choices()) {
          StreamRestorer r = text.computeIfAbsent(c.index(), i -> screen.streamRestorer());
          String content = c.content() == null ? null : r.feed(c.content());
          List<ToolCallDelta> calls = c.toolCalls();
          if (!calls.isEmpty()) {
            List<ToolCallDelta> restored = new ArrayList<>(calls.size());
            for (ToolCallDelta d : calls) {
              StreamRestorer a =
                  args.computeIfAbsent(
                      ((long) c.index() << 32) | d.index(), k -> screen.streamRestorer());
              String argText = d.arguments() == null ? null : a.feed(d.arguments());
              if (c.finishReason() != null) {
                argText = (argText == null ? "" : argText) + a.flush();
              }
              restored.add(new ToolCallDelta(d.index(), d.id(), d.name(), argText));
            }
            calls = restored;
          }
          if (c.finishReason() != null) {
            String rest = r.flush();
            if (!rest.isEmpty()) {
              content = content == null ? rest : content + rest;
            }
          }
          out.add(new ChunkChoice(c.index(), c.role(), content, calls, c.finishReason()));
        }
        downstream.onChunk(new ChatChunk(chunk.id(), chunk.model(), out, chunk.usage()));
      }

      @Override
      public void onComplete() {
        // a stream that ended without a finish reason may still hold a tail back
        List<ChunkChoice> rest = new ArrayList<>();
        text.forEach(
            (i, r) -> {
              String tail = r.flush();
              if (!tail.isEmpty()) {
                rest.add(ChunkChoice.text(i, tail));
              }
            });
        if (!rest.isEmpty()) {
          downstream.onChunk(new ChatChunk(lastId, lastModel, rest, null));
        }
        SafetyBlockedException refused = null;
        for (StringBuilder answer : answers.values()) {
          try {
            screen.answer(answer.toString()); // still masked, as the provider wrote it
          } catch (SafetyBlockedException blocked) {
            refused = blocked;
            break;
          }
        }
        if (checks && call.report() != null) {
          call.report().safety(screen.verdicts());
        }
        screen.finish();
        if (refused != null) {
          downstream.onRefused(refused);
        } else {
          downstream.onComplete();
        }
      }

      @Override
      public void onError(ProviderException failure) {
        screen.finish();
        downstream.onError(failure);
      }
    };
  }

  /** Masks an embeddings call's inputs on their way to a provider; blocked input throws. */
  EmbeddingRequest embedding(GatewayCall call, EmbeddingRequest request) {
    SafetyScreen screen = safety.screen(call.tenant(), call.requestId());
    boolean changed = false;
    List<String> inputs = new ArrayList<>(request.input().size());
    for (String in : request.input()) {
      String masked = screen.outbound(in, TextSource.EMBEDDING_INPUT);
      changed |= masked != in;
      inputs.add(masked);
    }
    String user = screen.outbound(request.user(), TextSource.METADATA);
    screen.admit();
    screen.finish();
    return changed || user != request.user()
        ? new EmbeddingRequest(request.model(), inputs, request.dimensions(), user)
        : request;
  }
}

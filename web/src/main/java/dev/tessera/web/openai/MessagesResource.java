package dev.tessera.web.openai;

import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.routing.api.CallReport;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.FinishReason;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.StreamHandle;
import dev.tessera.routing.api.ToolCallDelta;
import dev.tessera.routing.api.Usage;
import dev.tessera.routing.codec.AnthropicJson;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.web.governance.DecisionHook;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;

/**
 * {@code POST /v1/messages} in Anthropic's Messages format, plain or streamed as Anthropic's events
 * (message_start, content_block_*, message_delta, message_stop).
 */
@Path("messages")
@ApplicationScoped
public class MessagesResource {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  @Inject Inference inference;
  @Inject Gateway gateway;
  @Inject DecisionHook decisions;

  @POST
  public Response create(String body) {
    KeyPrincipal key = inference.requireInferenceKey();
    ChatRequest request = AnthropicJson.request(Inference.parse(body));
    inference.chargeTokens(key, ChatCompletionsResource.estimate(body, request));
    GatewayCall call = inference.call(key, new CallReport());
    String id = "msg_" + call.requestId().substring(4);
    DecisionHook.Pending decision = decisions.start(call, null, request, null);
    if (!request.stream()) {
      GatewayResult result;
      try {
        result = gateway.chat(call, request);
      } catch (RuntimeException failed) {
        decisions.failed(decision, failed, false);
        throw failed;
      }
      decisions.answered(decision, result);
      return Response.ok(
              AnthropicJson.response(result.response(), id).toString(), "application/json")
          .header("request-id", call.requestId())
          .header("x-request-id", call.requestId())
          .header("x-tessera-model", result.servedModel())
          .header("x-tessera-cache", result.cache().header())
          .header("x-tessera-route", result.route())
          .build();
    }
    ChunkQueue events = new ChunkQueue();
    StreamHandle started;
    Object firstEvent;
    try {
      started = gateway.chatStream(call, request, events);
      firstEvent = events.next(call, started);
    } catch (RuntimeException failed) {
      decisions.failed(decision, failed, true);
      throw failed;
    }
    StreamHandle handle = started;
    Object first = firstEvent;
    if (first instanceof ProviderException failure) {
      decisions.failed(decision, failure, true);
      throw failure;
    }
    StreamingOutput sse = out -> relay(out, first, events, call, handle, id, decision);
    return Response.ok(sse, "text/event-stream")
        .header("Cache-Control", "no-cache")
        .header("request-id", call.requestId())
        .header("x-request-id", call.requestId())
        .header("x-tessera-model", handle.servedModel())
        .header("x-tessera-cache", "miss")
        .build();
  }

  /** Re-frames OpenAI-like chunks as Anthropic's event sequence; records how the stream ended. */
  private void relay(
      OutputStream out,
      Object first,
      ChunkQueue events,
      GatewayCall call,
      StreamHandle handle,
      String id,
      DecisionHook.Pending decision)
      throws IOException {
    try {
      ChunkQueue.send(
          out,
          "message_start",
          JSON.createObjectBuilder()
              .add("type", "message_start")
              .add(
                  "message",
                  JSON.createObjectBuilder()
                      .add("id", id)
                      .add("type", "message")
                      .add("role", "assistant")
                      .add("model", handle.servedModel())
                      .add("content", JSON.createArrayBuilder())
                      .addNull("stop_reason")
                      .addNull("stop_sequence")
                      .add("usage", AnthropicJson.usage(Usage.NONE)))
              .build()
              .toString());
      int block = -1;
      boolean textOpen = false;
      FinishReason finish = null;
      Usage usage = Usage.NONE;
      for (Object e = first; ; e = events.next(call, handle)) {
        if (e == ChunkQueue.DONE) {
          break;
        }
        if (e instanceof ProviderException failure) {
          decisions.streamed(decision, "error", failure.getMessage());
          ChunkQueue.send(out, "error", AnthropicJson.error(502, failure.getMessage()));
          return;
        }
        if (e instanceof SafetyBlockedException refused) {
          // an output check refused the streamed answer at its end: Anthropic's error event
          decisions.streamed(decision, "blocked", refused.getMessage());
          ChunkQueue.send(
              out, "error", AnthropicJson.error(refused.status(), refused.getMessage()));
          return;
        }
        ChatChunk chunk = (ChatChunk) e;
        decision.observe(chunk);
        if (chunk.usage() != null) {
          usage = chunk.usage();
        }
        for (ChunkChoice c : chunk.choices()) {
          if (c.content() != null && !c.content().isEmpty()) {
            if (!textOpen) {
              block++;
              textOpen = true;
              ChunkQueue.send(
                  out,
                  "content_block_start",
                  blockStart(block, "{\"type\":\"text\",\"text\":\"\"}"));
            }
            ChunkQueue.send(
                out,
                "content_block_delta",
                JSON.createObjectBuilder()
                    .add("type", "content_block_delta")
                    .add("index", block)
                    .add(
                        "delta",
                        JSON.createObjectBuilder()
                            .add("type", "text_delta")
                            .add("text", c.content()))
                    .build()
                    .toString());
          }
          for (ToolCallDelta d : c.toolCalls()) {
            if (d.id() != null) {
              if (block >= 0) {
                ChunkQueue.send(out, "content_block_stop", blockStop(block));
              }
              textOpen = false;
              block++;
              ChunkQueue.send(
                  out,
                  "content_block_start",
                  blockStart(
                      block,
                      JSON.createObjectBuilder()
                          .add("type", "tool_use")
                          .add("id", d.id())
                          .add("name", d.name() == null ? "" : d.name())
                          .add("input", JSON.createObjectBuilder())
                          .build()
                          .toString()));
            }
            if (d.arguments() != null && !d.arguments().isEmpty()) {
              ChunkQueue.send(
                  out,
                  "content_block_delta",
                  JSON.createObjectBuilder()
                      .add("type", "content_block_delta")
                      .add("index", block)
                      .add(
                          "delta",
                          JSON.createObjectBuilder()
                              .add("type", "input_json_delta")
                              .add("partial_json", d.arguments()))
                      .build()
                      .toString());
            }
          }
          if (c.finishReason() != null) {
            finish = c.finishReason();
          }
        }
      }
      if (block >= 0) {
        ChunkQueue.send(out, "content_block_stop", blockStop(block));
      }
      ChunkQueue.send(
          out,
          "message_delta",
          JSON.createObjectBuilder()
              .add("type", "message_delta")
              .add(
                  "delta",
                  JSON.createObjectBuilder()
                      .add("stop_reason", AnthropicJson.stopReason(finish))
                      .addNull("stop_sequence"))
              .add(
                  "usage",
                  JSON.createObjectBuilder().add("output_tokens", usage.completionTokens()))
              .build()
              .toString());
      ChunkQueue.send(out, "message_stop", "{\"type\":\"message_stop\"}");
      decisions.streamed(decision, "ok", null);
    } catch (IOException clientGone) {
      try {
        handle.cancel();
      } finally {
        decisions.streamed(decision, "cancelled", "the client hung up");
      }
      throw clientGone;
    }
  }

  private static String blockStart(int index, String block) {
    return "{\"type\":\"content_block_start\",\"index\":"
        + index
        + ",\"content_block\":"
        + block
        + "}";
  }

  private static String blockStop(int index) {
    return "{\"type\":\"content_block_stop\",\"index\":" + index + "}";
  }
}

package dev.tessera.web.openai;

import dev.tessera.governance.api.AppliedPrompt;
import dev.tessera.governance.api.Prompts;
import dev.tessera.governance.api.safety.SafetyBlockedException;
import dev.tessera.retrieval.api.Reader;
import dev.tessera.retrieval.api.Retrieval;
import dev.tessera.routing.api.CallReport;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Gateway;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.GatewayResult;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.StreamHandle;
import dev.tessera.routing.codec.OpenAiJson;
import dev.tessera.routing.codec.OpenAiRequests;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.web.governance.DecisionHook;
import dev.tessera.web.governance.PromptHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;

/** {@code POST /v1/chat/completions}: a complete answer, or server-sent events when streaming. */
@Path("chat/completions")
@ApplicationScoped
public class ChatCompletionsResource {
  /** Estimated completion tokens charged for admission when the caller sets no limit. */
  static final int DEFAULT_COMPLETION_ESTIMATE = 512;

  @Inject Inference inference;
  @Inject Gateway gateway;
  @Inject Prompts prompts;
  @Inject DecisionHook decisions;
  @Inject Retrieval retrieval;

  @POST
  public Response create(String body) {
    KeyPrincipal key = inference.requireInferenceKey();
    // governance: a "prompt" reference is rendered from the registry into messages and config
    AppliedPrompt prompt =
        prompts.apply(key.tenant(), Inference.parse(body), inference.requestId());
    jakarta.json.JsonObject json = prompt.body();
    ChatRequest request = OpenAiRequests.chat(json);
    inference.chargeTokens(key, estimate(body, request));
    GatewayCall call = inference.call(key, new CallReport());
    // "retrieval": {"knowledge_bases": [...]}: evidence from the tenant's documents goes first
    Retrieval.Grounded grounded = null;
    if (json.containsKey("retrieval") && !json.isNull("retrieval")) {
      if (json.get("retrieval").getValueType() != jakarta.json.JsonValue.ValueType.OBJECT) {
        throw dev.tessera.tenancy.api.InvalidInputException.field("retrieval", "must be an object");
      }
      grounded =
          retrieval.ground(new Reader(call, key.roles()), request, json.getJsonObject("retrieval"));
      request = grounded.request();
    }
    long created = System.currentTimeMillis() / 1000;
    DecisionHook.Pending decision =
        decisions.start(
            call, prompt.served(), request, grounded == null ? null : grounded.sources());
    if (!request.stream()) {
      GatewayResult result;
      try {
        result = gateway.chat(call, request);
      } catch (RuntimeException failed) {
        decisions.failed(decision, failed, false);
        throw failed;
      }
      decisions.answered(decision, result);
      jakarta.json.JsonObject answer = OpenAiJson.chat(result.response(), created);
      if (grounded != null) {
        answer =
            jakarta.json.Json.createObjectBuilder(answer)
                .add(
                    "retrieval",
                    jakarta.json.Json.createObjectBuilder().add("sources", grounded.sources()))
                .build();
      }
      return PromptHeaders.add(Response.ok(answer.toString(), "application/json"), prompt.served())
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
      // wait for the first event, so a failure before any output is still a proper error status
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
    String id = "chatcmpl-" + call.requestId().substring(4);
    StreamingOutput sse =
        out -> {
          try {
            for (Object e = first; ; e = events.next(call, handle)) {
              if (e == ChunkQueue.DONE) {
                ChunkQueue.send(out, null, "[DONE]");
                decisions.streamed(decision, "ok", null);
                return;
              }
              if (e instanceof ProviderException failure) {
                decisions.streamed(decision, "error", failure.getMessage());
                // mid-stream: headers are gone, so the error travels as a final event
                ChunkQueue.send(
                    out, null, String.valueOf(OpenAiErrors.fromProvider(failure).getEntity()));
                return;
              }
              if (e instanceof SafetyBlockedException refused) {
                // an output check refused the streamed answer at its end: the refusal (check and
                // reason, OpenAI's error member included) replaces [DONE]
                decisions.streamed(decision, "blocked", refused.getMessage());
                ChunkQueue.send(out, null, String.valueOf(SafetyProblem.of(refused).getEntity()));
                return;
              }
              decision.observe((ChatChunk) e);
              events.relay(
                  out, OpenAiJson.chunk((ChatChunk) e, id, created).toString(), e == first);
            }
          } catch (IOException clientGone) {
            try {
              handle.cancel(); // the client disconnected: stop paying for the upstream call
            } finally {
              // after the cancel, which settles: the record has what was charged
              decisions.streamed(decision, "cancelled", "the client hung up");
            }
            throw clientGone;
          }
        };
    return PromptHeaders.add(Response.ok(sse, "text/event-stream"), prompt.served())
        .header("Cache-Control", "no-cache")
        .header("X-Accel-Buffering", "no")
        .header("x-request-id", call.requestId())
        .header("x-tessera-model", handle.servedModel())
        .header("x-tessera-cache", "miss")
        .build();
  }

  /** Prompt (about four characters a token) plus the completion the caller allows. */
  static long estimate(String body, ChatRequest request) {
    int completion =
        request.maxTokens() == null ? DEFAULT_COMPLETION_ESTIMATE : request.maxTokens();
    return body.length() / 4
        + (long) completion * Math.max(1, request.n() == null ? 1 : request.n());
  }
}

package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.spi.ProviderAdapter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A complete (non-streamed) chat request across its attempts. */
final class ChatAttempts extends AttemptLoop {

  ChatAttempts(
      ResilientCaller caller, List<Deployment> plan, ChatRequest request, Deadline deadline) {
    super(caller, plan, request, deadline);
  }

  @Override
  void launch(Try t, ProviderAdapter adapter) {
    CompletableFuture<ChatResponse> call =
        adapter.chat(t.deployment.endpoint(), t.requestFor(request), deadline);
    t.abort = () -> call.cancel(true);
    call.whenComplete(
        (response, error) -> {
          if (error == null) {
            succeeded(t, response);
          } else {
            failed(t, asProviderException(t, error));
          }
        });
  }
}

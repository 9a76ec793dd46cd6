package dev.tessera.routing.internal.resilience;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import java.util.List;

/**
 * A streamed chat request across its attempts. Until the first chunk reaches the caller's listener,
 * a failed attempt is invisible to it and may be retried or replaced; from then on the stream is
 * committed to that deployment and its failure is passed on as it is.
 */
final class StreamAttempts extends AttemptLoop {
  private final ChatStreamListener listener;

  StreamAttempts(
      ResilientCaller caller,
      List<Deployment> plan,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener) {
    super(caller, plan, request, deadline);
    this.listener = listener;
  }

  @Override
  void launch(Try t, ProviderAdapter adapter) {
    ChatStream stream =
        adapter.chatStream(
            t.deployment.endpoint(),
            t.requestFor(request),
            deadline,
            new ChatStreamListener() {
              @Override
              public void onChunk(ChatChunk chunk) {
                relay(t, () -> listener.onChunk(chunk));
              }

              @Override
              public void onComplete() {
                succeeded(t, null);
              }

              @Override
              public void onError(ProviderException failure) {
                failed(t, failure);
              }
            });
    t.abort = stream::cancel;
  }

  @Override
  void onSucceeded(Outcome o) {
    listener.onComplete();
  }

  @Override
  void onFailed(ProviderException decisive) {
    listener.onError(decisive);
  }
}

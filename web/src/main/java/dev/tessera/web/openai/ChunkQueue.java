package dev.tessera.web.openai;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChunkListener;
import dev.tessera.routing.api.GatewayCall;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.StreamHandle;
import dev.tessera.tenancy.api.TesseraException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands a streamed answer from the gateway's thread to the HTTP response's: chunks, then {@link
 * #DONE}, a {@link ProviderException} or a refusal of the answer; waiting never outlasts the call's
 * deadline.
 */
final class ChunkQueue implements ChunkListener {
  static final Object DONE = new Object();

  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();

  @Override
  public void onChunk(ChatChunk chunk) {
    events.add(chunk);
  }

  @Override
  public void onComplete() {
    events.add(DONE);
  }

  @Override
  public void onError(ProviderException failure) {
    events.add(failure);
  }

  /** A refusal of the finished answer (a block-mode output check) is queued as it is. */
  @Override
  public void onRefused(TesseraException refusal) {
    events.add(refusal);
  }

  /** The next event: a chunk, DONE, or a failure (a timeout once the deadline has passed). */
  Object next(GatewayCall call, StreamHandle handle) {
    try {
      Object e =
          events.poll(Math.max(1, call.deadline().remaining().toMillis()), TimeUnit.MILLISECONDS);
      if (e != null) {
        return e;
      }
      handle.cancel();
      return new ProviderException(
          ProviderException.Kind.TIMEOUT, handle.servedModel(), "deadline passed", null);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      handle.cancel();
      return new ProviderException(
          ProviderException.Kind.TIMEOUT, handle.servedModel(), "interrupted", ie);
    }
  }

  /** Writes one server-sent event and flushes it, so it leaves as soon as it exists. */
  static void send(OutputStream out, String event, String data) throws IOException {
    String frame = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
    out.write(frame.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}

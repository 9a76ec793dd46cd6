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
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands a streamed answer from the gateway's thread to the HTTP response's: chunks, then {@link
 * #DONE}, a {@link ProviderException} or a refusal of the answer; waiting never outlasts the call's
 * deadline.
 *
 * <p>One thread takes (the response's), and chunks arrive on the HTTP client's selector thread, so
 * putting must never block and waking the taker should cost one unpark: a lock-free queue and the
 * waiting thread parked, not a lock and condition that both sides take for every chunk.
 */
final class ChunkQueue implements ChunkListener {
  static final Object DONE = new Object();

  private final Queue<Object> events = new ConcurrentLinkedQueue<>();
  private volatile Thread waiting;

  @Override
  public void onChunk(ChatChunk chunk) {
    put(chunk);
  }

  @Override
  public void onComplete() {
    put(DONE);
  }

  @Override
  public void onError(ProviderException failure) {
    put(failure);
  }

  /** A refusal of the finished answer (a block-mode output check) is queued as it is. */
  @Override
  public void onRefused(TesseraException refusal) {
    put(refusal);
  }

  private void put(Object event) {
    events.add(event);
    Thread t = waiting;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** The next event: a chunk, DONE, or a failure (a timeout once the deadline has passed). */
  Object next(GatewayCall call, StreamHandle handle) {
    Object e = events.poll();
    if (e != null) {
      return e;
    }
    waiting = Thread.currentThread();
    try {
      // queued after our poll but before waiting was set: seen here, not missed; a put after it
      // unparks us (a spare unpark only makes one park return early, and the loop parks again)
      while ((e = events.poll()) == null) {
        long left = call.deadline().remaining().toNanos();
        if (left <= 0) {
          handle.cancel();
          return new ProviderException(
              ProviderException.Kind.TIMEOUT, handle.servedModel(), "deadline passed", null);
        }
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          handle.cancel();
          return new ProviderException(
              ProviderException.Kind.TIMEOUT, handle.servedModel(), "interrupted", null);
        }
        LockSupport.parkNanos(this, left);
      }
      return e;
    } finally {
      waiting = null;
    }
  }

  /** Writes one server-sent event and flushes it, so it leaves as soon as it exists. */
  static void send(OutputStream out, String event, String data) throws IOException {
    write(out, event, data);
    out.flush();
  }

  /**
   * Writes a chunk's event and flushes it unless the next event is already queued: the first chunk
   * leaves at once (time to first token), and every later one as soon as nothing else is waiting
   * behind it, so a burst of chunks (a provider sending several tokens in one packet, or the
   * client's reads falling behind) leaves in one write instead of one system call per chunk. The
   * last event of a stream is always {@link #send sent}, so nothing is left unflushed.
   */
  void relay(OutputStream out, String data, boolean first) throws IOException {
    write(out, null, data);
    if (first || events.peek() == null) {
      out.flush();
    }
  }

  private static void write(OutputStream out, String event, String data) throws IOException {
    String frame = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
    out.write(frame.getBytes(StandardCharsets.UTF_8));
  }
}

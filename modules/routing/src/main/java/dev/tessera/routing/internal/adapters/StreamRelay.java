package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * Relays one SSE response to a listener line by line, as the lines arrive. It is the single arbiter
 * of how the stream ends: body end, end marker, transport error, deadline and cancel race one
 * another, and only the first reaches the listener.
 *
 * <p>Chunks are delivered on the thread that read them, which may be the HTTP client's selector
 * thread: the listener's chunk path only records and queues. The end (complete or failure) is heard
 * on {@code ends}, because it may settle a bill in the database or start a fallback.
 */
final class StreamRelay implements ChatStream, Flow.Subscriber<String> {
  private final String provider;
  private final StreamDecoder decoder;
  private final ChatStreamListener listener;
  private final Executor ends;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final StringBuilder data = new StringBuilder();
  private String event;
  private boolean hasData;
  private volatile Flow.Subscription subscription;
  private volatile Runnable abortRequest = () -> {};
  private volatile boolean relayed;
  private boolean terminal;

  StreamRelay(String provider, StreamDecoder decoder, ChatStreamListener listener, Executor ends) {
    this.provider = provider;
    this.decoder = decoder;
    this.listener = listener;
    this.ends = ends;
  }

  void onAbort(Runnable abort) {
    this.abortRequest = abort;
  }

  /** Whether the response body has begun, so a transport error means a broken stream. */
  boolean bodyStarted() {
    return subscription != null;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (isTerminal()) {
      s.cancel();
    } else {
      // Every line as soon as it is read: no demand round per line. The listener's chunk path does
      // not block, so a slow client cannot hold the reader; the request thread's queue takes it.
      // After the end marker the rest is drained (the body ends right after), which returns the
      // connection to the pool instead of tearing it down.
      s.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(String line) {
    try {
      if (!isTerminal()) {
        line(line);
      }
    } catch (ProviderException e) {
      fail(e);
    } catch (RuntimeException e) {
      fail(Failures.malformed(provider, "undecodable stream event: " + e.getMessage(), e));
    }
  }

  @Override
  public void onError(Throwable t) {
    fail(Failures.fromThrowable(provider, t, true));
  }

  @Override
  public void onComplete() {
    if (isTerminal()) {
      return;
    }
    try {
      List<ChatChunk> trailing = decoder.endOfBody();
      if (trailing == null) {
        fail(Failures.streamEndedEarly(provider));
        return;
      }
      trailing.forEach(this::deliver);
      complete();
    } catch (RuntimeException e) {
      fail(Failures.malformed(provider, "undecodable stream end: " + e.getMessage(), e));
    }
  }

  /** Parses SSE: fields until a blank line, then dispatch. Incomplete events at EOF are dropped. */
  private void line(String line) {
    if (line.isEmpty()) {
      if (hasData) {
        dispatch(event, data.toString());
      }
      event = null;
      data.setLength(0);
      hasData = false;
    } else if (line.startsWith("data:")) {
      if (hasData) {
        data.append('\n');
      }
      data.append(stripSpace(line.substring(5)));
      hasData = true;
    } else if (line.startsWith("event:")) {
      event = stripSpace(line.substring(6));
    }
    // ":" comments (keep-alives), id: and retry: fields carry nothing we need.
  }

  private void dispatch(String name, String payload) {
    for (ChatChunk chunk : decoder.decode(name, payload)) {
      deliver(chunk);
    }
    if (decoder.finished()) {
      complete();
    }
  }

  private synchronized void deliver(ChatChunk chunk) {
    if (!terminal) {
      relayed = true;
      listener.onChunk(chunk);
    }
  }

  private synchronized boolean isTerminal() {
    return terminal;
  }

  private void complete() {
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = true;
    }
    // every chunk was delivered before terminal was set, so the listener hears them in order
    ends.execute(
        () -> {
          listener.onComplete();
          done.complete(null);
        });
  }

  /** Ends the stream with {@code failure} (if it has not ended) and aborts the upstream request. */
  void fail(ProviderException failure) {
    ProviderException f;
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = true;
      f = failure.withPartialOutput(relayed);
    }
    abortUpstream();
    ends.execute(
        () -> {
          listener.onError(f);
          done.completeExceptionally(f);
        });
  }

  @Override
  public void cancel() {
    synchronized (this) {
      if (terminal) {
        return;
      }
      terminal = true;
    }
    abortUpstream();
    done.cancel(false);
  }

  private void abortUpstream() {
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    abortRequest.run();
  }

  @Override
  public CompletableFuture<Void> done() {
    return done;
  }

  private static String stripSpace(String value) {
    return value.startsWith(" ") ? value.substring(1) : value;
  }
}

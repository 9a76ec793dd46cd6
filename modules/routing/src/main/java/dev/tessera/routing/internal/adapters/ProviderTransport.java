package dev.tessera.routing.internal.adapters;

import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.internal.resilience.ResilientCaller;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP side of every adapter: shared, pooled HTTP/1.1 clients, JSON POSTs bounded by the
 * caller's deadline, SSE streams relayed as they arrive, and every failure turned into a {@link
 * ProviderException}. HTTP/1.1 because streaming providers and proxies in front of them handle it
 * best, and the pool reuses connections just as well for one-request-at-a-time calls.
 *
 * <p>Chat answers go through a client without an executor of its own: the request leaves from the
 * caller's thread, the client reads the answer on its selector thread, and {@code sendAsync} hands
 * the completed answer to CompletableFuture's default executor (the JVM's common pool, which is why
 * the launcher gives it at least 2 threads), where it is decoded and the waiting request thread is
 * woken. Nothing on that path blocks (chat answers are bounded by max_tokens; failures, which may
 * start a fallback, are passed to another pool first). Streamed answers use the same client, so a
 * chunk goes from the selector thread that read it straight to the request thread's queue, with no
 * hop through a worker pool on the way to the first token; a stream's end, which settles its bill
 * in the database or may start a fallback, is heard on a pool of its own ({@link StreamRelay}).
 * Embeddings keep the other client's worker pool: their answers can be megabytes of JSON.
 */
@ApplicationScoped
public class ProviderTransport {
  private static final Logger LOG = Logger.getLogger(ProviderTransport.class.getName());
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** Fires stream deadlines; one daemon thread is plenty, the tasks only flag and abort. */
  private static final ScheduledExecutorService DEADLINES = deadlineTimer();

  /**
   * Completes failed chat calls off the selector thread; a failure may start a retry or fallback,
   * which only starts non-blocking calls, so two threads are plenty.
   */
  private static final ExecutorService FAILURES = failurePool();

  /**
   * Hears the ends of streams: completions settle bills in the database and failures may fall back,
   * neither of which may run on a selector thread. Grows with the streams ending at once, like the
   * HTTP client's own worker pool that did this before.
   */
  private static final ExecutorService STREAM_ENDS = streamEndPool();

  private HttpClient client;
  private HttpClient answers;

  /** For CDI; the clients are built in {@link #start()}. */
  protected ProviderTransport() {}

  /** One client for everything (tests). */
  public ProviderTransport(HttpClient client) {
    this(client, client);
  }

  /** {@code client} for embeddings, {@code answers} for chat answers, streamed or not. */
  public ProviderTransport(HttpClient client, HttpClient answers) {
    this.client = client;
    this.answers = answers;
  }

  @PostConstruct
  void start() {
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      // HttpClient.sendAsync completes every answer through CompletableFuture's default executor,
      // which below 2 common-pool threads is a new thread per task: about 40% of the throughput.
      LOG.warning(
          () ->
              "ROUTING-0003 the JVM's common pool has "
                  + ForkJoinPool.getCommonPoolParallelism()
                  + " thread(s), so every upstream answer starts a new thread; start Java with"
                  + " -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 (./tessera does)");
    }
    if (client == null) {
      client = defaultClient();
      answers = answersClient();
    }
  }

  /**
   * The shared client: HTTP/1.1, bounded connect time, no redirects (a provider never needs them).
   */
  public static HttpClient defaultClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /**
   * The client for chat answers: sends from the caller's thread, completes on its selector thread.
   */
  public static HttpClient answersClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(Runnable::run)
        .build();
  }

  /**
   * POSTs a chat request and decodes its 2xx answer where it arrives (see the class comment); the
   * future fails only with ProviderException, and never on the client's selector thread.
   */
  <T> CompletableFuture<T> postChat(
      String provider,
      URI uri,
      Map<String, String> headers,
      JsonObject body,
      Deadline deadline,
      Function<JsonObject, T> decoder) {
    return post(answers, provider, uri, headers, body, deadline, decoder);
  }

  /**
   * POSTs {@code body} and decodes the 2xx answer on the client's worker pool; the future fails
   * only with ProviderException.
   */
  <T> CompletableFuture<T> postJson(
      String provider,
      URI uri,
      Map<String, String> headers,
      JsonObject body,
      Deadline deadline,
      Function<JsonObject, T> decoder) {
    return post(client, provider, uri, headers, body, deadline, decoder);
  }

  private static <T> CompletableFuture<T> post(
      HttpClient via,
      String provider,
      URI uri,
      Map<String, String> headers,
      JsonObject body,
      Deadline deadline,
      Function<JsonObject, T> decoder) {
    if (deadline.expired()) {
      return CompletableFuture.failedFuture(Failures.timeout(provider, false));
    }
    Duration budget = deadline.remaining();
    HttpRequest request = request(uri, headers, body, "application/json").timeout(budget).build();
    CompletableFuture<HttpResponse<String>> sent =
        via.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    CompletableFuture<T> result = new CompletableFuture<>();
    sent.handle((response, error) -> decode(provider, response, error, decoder))
        // The request timeout covers only the wait for headers; this bounds the body too.
        .orTimeout(budget.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete(
            (value, error) -> {
              if (error == null) {
                result.complete(value);
              } else {
                sent.cancel(true); // frees the connection if the provider still hangs
                // a failure may retry or fall back: never on the thread that reads answers
                ProviderException failure = Failures.fromThrowable(provider, error, false);
                FAILURES.execute(() -> result.completeExceptionally(failure));
              }
            });
    // A caller giving up (hedging, client gone) aborts the upstream request as well.
    result.whenComplete(
        (v, e) -> {
          if (result.isCancelled()) {
            sent.cancel(true);
          }
        });
    return result;
  }

  private static <T> T decode(
      String provider,
      HttpResponse<String> response,
      Throwable error,
      Function<JsonObject, T> decoder) {
    if (error != null) {
      throw Failures.fromThrowable(provider, error, false);
    }
    if (response.statusCode() / 100 != 2) {
      throw Failures.fromStatus(
          provider, response.statusCode(), response.headers(), response.body());
    }
    try {
      return decoder.apply(JsonSupport.parseObject(response.body()));
    } catch (ProviderException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Failures.malformed(provider, e.toString(), e);
    }
  }

  /** POSTs {@code body} and relays the SSE answer to {@code listener} through {@code decoder}. */
  ChatStream postStream(
      String provider,
      URI uri,
      Map<String, String> headers,
      JsonObject body,
      Deadline deadline,
      StreamDecoder decoder,
      ChatStreamListener listener) {
    StreamRelay relay = new StreamRelay(provider, decoder, listener, STREAM_ENDS);
    if (deadline.expired()) {
      relay.fail(Failures.timeout(provider, false));
      return relay;
    }
    Duration budget = deadline.remaining();
    // No request timeout: the relay's deadline below covers the wait for headers too and aborts
    // the request. The client's own timer would be registered from this thread, waking its selector
    // thread on the way to the first token.
    HttpRequest request = request(uri, headers, body, "text/event-stream").build();
    HttpResponse.BodyHandler<String> handler =
        info ->
            info.statusCode() / 100 == 2
                ? BodySubscribers.<StreamRelay, String>fromLineSubscriber(
                    relay, r -> null, StandardCharsets.UTF_8, null)
                : BodySubscribers.ofString(StandardCharsets.UTF_8);
    // sent from this thread, its lines read and relayed on the selector thread (class comment)
    CompletableFuture<HttpResponse<String>> sent = answers.sendAsync(request, handler);
    relay.onAbort(() -> sent.cancel(true));
    ScheduledFuture<?> timer =
        DEADLINES.schedule(
            () -> relay.fail(Failures.timeout(provider, false)),
            budget.toNanos(),
            TimeUnit.NANOSECONDS);
    relay.done().whenComplete((v, e) -> timer.cancel(false));
    sent.whenComplete(
        (response, error) -> {
          if (error != null) {
            relay.fail(Failures.fromThrowable(provider, error, relay.bodyStarted()));
          } else if (response.statusCode() / 100 != 2) {
            relay.fail(
                Failures.fromStatus(
                    provider, response.statusCode(), response.headers(), response.body()));
          }
        });
    return relay;
  }

  private static HttpRequest.Builder request(
      URI uri, Map<String, String> headers, JsonObject body, String accept) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .header("Content-Type", "application/json")
            .header("Accept", accept)
            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    headers.forEach(b::header);
    dev.tessera.routing.internal.telemetry.TraceHeaders.inject(b); // W3C traceparent, if tracing
    return b;
  }

  /** {@code base + path + query}, tolerating a trailing slash on the configured base URL. */
  static URI uri(URI base, String path, Map<String, String> query) {
    String b = base.toString();
    StringBuilder s = new StringBuilder(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    s.append(path);
    char sep = path.contains("?") ? '&' : '?';
    for (Map.Entry<String, String> e : query.entrySet()) {
      s.append(sep)
          .append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
          .append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
      sep = '&';
    }
    return URI.create(s.toString());
  }

  private static ExecutorService failurePool() {
    ClassLoader app = ProviderTransport.class.getClassLoader();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "tessera-provider-failures");
              t.setDaemon(true);
              t.setContextClassLoader(app); // fallbacks may look up JSON-P providers
              t.setUncaughtExceptionHandler(
                  (th, e) -> LOG.log(Level.WARNING, "ROUTING-0002 failure handling failed", e));
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static ExecutorService streamEndPool() {
    ClassLoader app = ProviderTransport.class.getClassLoader();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "tessera-stream-ends");
              t.setDaemon(true);
              t.setContextClassLoader(app); // settles and fallbacks look up JPA and JSON-P
              t.setUncaughtExceptionHandler(
                  (th, e) -> LOG.log(Level.WARNING, "ROUTING-0004 stream end handling failed", e));
              return t;
            });
    return pool;
  }

  private static ScheduledExecutorService deadlineTimer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "tessera-provider-deadlines");
              t.setDaemon(true);
              t.setUncaughtExceptionHandler(
                  (th, e) -> LOG.log(Level.WARNING, "ROUTING-0001 deadline task failed", e));
              return t;
            });
    timer.setRemoveOnCancelPolicy(true); // finished streams must not pin their relays until expiry
    // scheduling a stream's deadline (from the request thread, on the way to the first token)
    // never has to wake the timer thread
    ResilientCaller.keepAhead(timer);
    return timer;
  }
}

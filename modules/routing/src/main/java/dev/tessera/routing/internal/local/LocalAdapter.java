package dev.tessera.routing.internal.local;

import dev.tessera.routing.api.ChatChoice;
import dev.tessera.routing.api.ChatChunk;
import dev.tessera.routing.api.ChatMessage;
import dev.tessera.routing.api.ChatRequest;
import dev.tessera.routing.api.ChatResponse;
import dev.tessera.routing.api.ChunkChoice;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.EmbeddingRequest;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.MessageRole;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.spi.ChatStream;
import dev.tessera.routing.spi.ChatStreamListener;
import dev.tessera.routing.spi.ProviderAdapter;
import dev.tessera.routing.spi.ProviderEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in offline provider {@code local}: {@code local-extractive} answers from the
 * conversation's own context (see {@link ExtractiveModel}) and {@code local-minilm} embeds
 * in-process (see {@link MiniLmEmbedder}). No network, no credentials: the endpoint's URL and key
 * are ignored, only its {@code upstreamModel} mapping applies. Work runs on this adapter's own
 * daemon pool, never on the caller's thread.
 */
@ApplicationScoped
public class LocalAdapter implements ProviderAdapter {
  static final String KIND = "local";

  /** Words per streamed content delta: small enough to look like a stream, few enough chunks. */
  static final int WORDS_PER_CHUNK = 4;

  private static final Logger LOG = Logger.getLogger(LocalAdapter.class.getName());
  private static final Pattern WORD_WITH_SPACE = Pattern.compile("\\s*\\S+\\s*");
  private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  /** Runs calls. Separate from {@link #INFERENCE}: calls block on inference tasks. */
  private static final ExecutorService CALLS = pool("tessera-local", THREADS);

  /** Runs the embedding model's per-input tasks. */
  private static final ExecutorService INFERENCE = pool("tessera-local-inference", THREADS);

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public CompletableFuture<ChatResponse> chat(
      ProviderEndpoint endpoint, ChatRequest request, Deadline deadline) {
    String model = endpoint.modelFor(request.model());
    if (!ExtractiveModel.NAME.equals(model)) {
      return CompletableFuture.failedFuture(unknownModel(model, "chat"));
    }
    return run(
        deadline,
        () -> {
          ExtractiveModel.Answer a = ExtractiveModel.answer(request);
          ChatChoice choice =
              new ChatChoice(0, ChatMessage.assistant(a.content()), a.finishReason());
          return new ChatResponse(newId(), model, List.of(choice), a.usage());
        });
  }

  @Override
  public ChatStream chatStream(
      ProviderEndpoint endpoint,
      ChatRequest request,
      Deadline deadline,
      ChatStreamListener listener) {
    String model = endpoint.modelFor(request.model());
    LocalStream stream = new LocalStream(listener);
    if (!ExtractiveModel.NAME.equals(model)) {
      stream.fail(unknownModel(model, "chat"));
      return stream;
    }
    if (deadline.expired()) {
      stream.fail(timeout(false));
      return stream;
    }
    return stream.start(CALLS, deadline, () -> chunks(model, request));
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embed(
      ProviderEndpoint endpoint, EmbeddingRequest request, Deadline deadline) {
    String model = endpoint.modelFor(request.model());
    if (!MiniLmEmbedder.NAME.equals(model)) {
      return CompletableFuture.failedFuture(unknownModel(model, "embeddings"));
    }
    if (request.input().isEmpty()) {
      return CompletableFuture.failedFuture(clientError("input must hold at least one text"));
    }
    if (request.dimensions() != null && request.dimensions() != MiniLmEmbedder.DIMENSIONS) {
      return CompletableFuture.failedFuture(
          clientError(model + " has " + MiniLmEmbedder.DIMENSIONS + " dimensions only"));
    }
    return run(deadline, () -> MiniLmEmbedder.embed(model, request.input(), deadline, INFERENCE));
  }

  /** The answer as OpenAI streams it: role, content deltas, finish reason, then usage if asked. */
  static List<ChatChunk> chunks(String model, ChatRequest request) {
    ExtractiveModel.Answer a = ExtractiveModel.answer(request);
    String id = newId();
    List<ChatChunk> chunks = new ArrayList<>();
    chunks.add(chunk(id, model, new ChunkChoice(0, MessageRole.ASSISTANT, "", null, null)));
    Matcher words = WORD_WITH_SPACE.matcher(a.content());
    StringBuilder delta = new StringBuilder();
    int inDelta = 0;
    int end = 0;
    while (words.find()) {
      delta.append(words.group());
      end = words.end();
      if (++inDelta == WORDS_PER_CHUNK) {
        chunks.add(chunk(id, model, ChunkChoice.text(0, delta.toString())));
        delta.setLength(0);
        inDelta = 0;
      }
    }
    delta.append(a.content(), end, a.content().length()); // whitespace-only content
    if (delta.length() > 0) {
      chunks.add(chunk(id, model, ChunkChoice.text(0, delta.toString())));
    }
    chunks.add(chunk(id, model, new ChunkChoice(0, null, null, null, a.finishReason())));
    if (request.includeUsage()) {
      chunks.add(new ChatChunk(id, model, List.of(), a.usage()));
    }
    return chunks;
  }

  private static ChatChunk chunk(String id, String model, ChunkChoice choice) {
    return new ChatChunk(id, model, List.of(choice), null);
  }

  /**
   * Runs {@code work} on the pool; fails with TIMEOUT if the deadline passes first (the work itself
   * then stops at its next deadline check).
   */
  private static <T> CompletableFuture<T> run(Deadline deadline, Supplier<T> work) {
    if (deadline.expired()) {
      return CompletableFuture.failedFuture(timeout(false));
    }
    return CompletableFuture.supplyAsync(work, CALLS)
        .orTimeout(deadline.remaining().toNanos(), TimeUnit.NANOSECONDS)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(classify(e)));
  }

  private static ProviderException classify(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof ProviderException p) {
      return p;
    }
    if (t instanceof TimeoutException) {
      return timeout(false);
    }
    LOG.log(Level.WARNING, "ROUTING-0104 local model failed", t);
    return new ProviderException(ProviderException.Kind.SERVER_ERROR, KIND, t.toString(), t);
  }

  static ProviderException timeout(boolean partial) {
    return new ProviderException(
        ProviderException.Kind.TIMEOUT, KIND, 0, "deadline passed", null, partial, null);
  }

  private static ProviderException unknownModel(String model, String what) {
    return clientError(
        "unknown "
            + what
            + " model '"
            + model
            + "'; the local provider serves "
            + ExtractiveModel.NAME
            + " (chat) and "
            + MiniLmEmbedder.NAME
            + " (embeddings)");
  }

  private static ProviderException clientError(String message) {
    return new ProviderException(
        ProviderException.Kind.CLIENT_ERROR, KIND, 400, message, null, false, null);
  }

  private static String newId() {
    return "chatcmpl-local-" + UUID.randomUUID();
  }

  /** Daemon threads that time out when idle, so an undeployed application leaves none behind. */
  private static ExecutorService pool(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}

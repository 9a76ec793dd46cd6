package dev.tessera.routing.internal.local;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.output.Response;
import dev.tessera.routing.api.Deadline;
import dev.tessera.routing.api.Embedding;
import dev.tessera.routing.api.EmbeddingResponse;
import dev.tessera.routing.api.ProviderException;
import dev.tessera.routing.api.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code local-minilm} embeddings: quantized all-MiniLM-L6-v2 (384 dimensions, unit length) run
 * in-process by ONNX Runtime. The model and tokenizer ship inside the LangChain4j jar, so nothing
 * is downloaded. Loading costs about a second, once per JVM, on first use.
 *
 * <p>What loading writes: ONNX Runtime unpacks its native library into a fresh {@code
 * onnxruntime-java*} directory under {@code java.io.tmpdir} (removed at JVM exit); DJL unpacks the
 * tokenizer's native library into {@code $DJL_CACHE_DIR/tokenizers/} and keeps it. When neither the
 * environment nor a system property sets {@code DJL_CACHE_DIR}, it is pointed at {@code
 * java.io.tmpdir/tessera-djl} (instead of DJL's {@code ~/.djl.ai}, often read-only in containers),
 * and {@code ai.djl.offline} is set so DJL never tries a download.
 */
final class MiniLmEmbedder {
  static final String NAME = "local-minilm";
  static final int DIMENSIONS = 384;

  /** Inputs per model call; the deadline is checked between batches. */
  static final int BATCH = 32;

  private static final Logger LOG = Logger.getLogger(MiniLmEmbedder.class.getName());
  private static final Object LOCK = new Object();
  private static volatile EmbeddingModel model;

  private MiniLmEmbedder() {}

  /** Embeds {@code inputs} in order; throws ProviderException (TIMEOUT, SERVER_ERROR). */
  static EmbeddingResponse embed(
      String modelName, List<String> inputs, Deadline deadline, Executor inference) {
    EmbeddingModel m = model(inference);
    List<Embedding> data = new ArrayList<>(inputs.size());
    int tokens = 0;
    for (int from = 0; from < inputs.size(); from += BATCH) {
      if (deadline.expired()) {
        throw LocalAdapter.timeout(false);
      }
      List<TextSegment> batch =
          inputs.subList(from, Math.min(inputs.size(), from + BATCH)).stream()
              .map(TextSegment::from)
              .toList();
      Response<List<dev.langchain4j.data.embedding.Embedding>> response = m.embedAll(batch);
      List<dev.langchain4j.data.embedding.Embedding> vectors = response.content();
      for (int i = 0; i < vectors.size(); i++) {
        data.add(new Embedding(from + i, vectors.get(i).vector()));
      }
      Integer counted =
          response.tokenUsage() == null ? null : response.tokenUsage().inputTokenCount();
      tokens +=
          counted != null
              ? counted
              : batch.stream().mapToInt(s -> TokenEstimate.of(s.text())).sum();
    }
    return new EmbeddingResponse(modelName, data, new Usage(tokens, 0, 0));
  }

  /** Loads the model once; concurrent first callers wait for the one load. */
  static EmbeddingModel model(Executor inference) {
    EmbeddingModel m = model;
    if (m != null) {
      return m;
    }
    synchronized (LOCK) {
      if (model == null) {
        model = load(inference);
      }
      return model;
    }
  }

  private static EmbeddingModel load(Executor inference) {
    keepNativesLocal();
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    long started = System.nanoTime();
    // The model reads its files through the context class loader, which on a pool thread may not
    // be the application's.
    thread.setContextClassLoader(MiniLmEmbedder.class.getClassLoader());
    try {
      EmbeddingModel loaded = new SingleThreadedMiniLm(inference);
      LOG.info(
          () ->
              "ROUTING-0102 local-minilm loaded in "
                  + (System.nanoTime() - started) / 1_000_000
                  + " ms");
      return loaded;
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.SEVERE, "ROUTING-0103 local-minilm could not be loaded", e);
      throw new ProviderException(
          ProviderException.Kind.SERVER_ERROR,
          LocalAdapter.KIND,
          "embedding model could not be loaded: " + e,
          e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  private static void keepNativesLocal() {
    if (System.getenv("DJL_CACHE_DIR") == null && System.getProperty("DJL_CACHE_DIR") == null) {
      Path cache = Path.of(System.getProperty("java.io.tmpdir"), "tessera-djl");
      System.setProperty("DJL_CACHE_DIR", cache.toString());
      LOG.info(() -> "ROUTING-0101 DJL_CACHE_DIR unset; tokenizer natives go to " + cache);
    }
    if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  /**
   * The model LangChain4j ships (quantized all-MiniLM-L6-v2, mean pooling, 384 dimensions), in an
   * ONNX session that runs each text on the calling thread alone. LangChain4j's own class opens it
   * with ONNX Runtime's defaults, which split every operator of one short text across a pool of
   * native threads: on two cores beside a busy server, waking that pool for each of a query's
   * dozens of operators made a 1 ms embedding take 3-4 ms. Parallelism stays where it pays: batches
   * are spread over the inference executor, one text per thread.
   */
  private static final class SingleThreadedMiniLm extends AbstractInProcessEmbeddingModel {
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";
    private final OnnxBertBiEncoder encoder;

    SingleThreadedMiniLm(Executor inference) {
      super(inference);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
          InputStream tokenizer = resource(TOKENIZER)) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        byte[] model;
        try (InputStream in = resource(MODEL)) {
          model = in.readAllBytes();
        }
        encoder =
            new OnnxBertBiEncoder(
                env, env.createSession(model, options), tokenizer, PoolingMode.MEAN);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime could not open " + MODEL, e);
      }
    }

    private static InputStream resource(String name) throws IOException {
      InputStream in =
          AbstractInProcessEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
      if (in == null) {
        throw new IOException(name + " is missing from the class path");
      }
      return in;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSIONS;
    }
  }
}

package dev.tessera.routing.internal.local;

import java.util.List;
import java.util.Set;

/**
 * The catalog entries of the built-in {@code local} provider, which the gateway registers when
 * nothing else is configured: free, tier T0, always available.
 */
public final class LocalModels {
  /** The extractive chat model. */
  public static final LocalModel EXTRACTIVE =
      new LocalModel(
          ExtractiveModel.NAME, Kind.CHAT, 0, 0, 0, 32_768, 0, Set.of("chat", "stream", "json"));

  /** The in-process embedding model; its context window is MiniLM's 512 word pieces. */
  public static final LocalModel MINILM =
      new LocalModel(
          MiniLmEmbedder.NAME,
          Kind.EMBEDDING,
          0,
          0,
          0,
          512,
          MiniLmEmbedder.DIMENSIONS,
          Set.of("embeddings"));

  /** Both, chat first. */
  public static final List<LocalModel> ALL = List.of(EXTRACTIVE, MINILM);

  /** The provider kind serving them, {@link LocalAdapter#kind()}. */
  public static final String PROVIDER_KIND = LocalAdapter.KIND;

  private LocalModels() {}

  /** What a model does. */
  public enum Kind {
    CHAT,
    EMBEDDING
  }

  /**
   * One catalog entry: name, kind, tier (0 cheapest), prices per million tokens in micro-credits,
   * context window in tokens, vector dimensions (0 for chat) and capability tags.
   */
  public record LocalModel(
      String name,
      Kind kind,
      int tier,
      long inputPricePerMillion,
      long outputPricePerMillion,
      int contextWindow,
      int dimensions,
      Set<String> capabilities) {
    public LocalModel {
      capabilities = Set.copyOf(capabilities);
    }
  }
}

package dev.tessera.retrieval.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Weighted reciprocal rank fusion (Cormack et al. 2009): each retriever adds {@code weight / (K +
 * rank)} for every result it ranks; results of one retriever alone keep their order.
 */
final class Fusion {
  static final int K = 60;

  private Fusion() {}

  /** Fused scores in descending order. */
  static <T> Map<T, Double> rrf(List<T> first, List<T> second, double w1, double w2) {
    Map<T, Double> scores = new java.util.HashMap<>();
    for (int i = 0; i < first.size(); i++) {
      scores.merge(first.get(i), w1 / (K + i + 1), Double::sum);
    }
    for (int i = 0; i < second.size(); i++) {
      scores.merge(second.get(i), w2 / (K + i + 1), Double::sum);
    }
    Map<T, Double> ordered = new LinkedHashMap<>();
    scores.entrySet().stream()
        .sorted(Map.Entry.<T, Double>comparingByValue().reversed())
        .forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return ordered;
  }
}

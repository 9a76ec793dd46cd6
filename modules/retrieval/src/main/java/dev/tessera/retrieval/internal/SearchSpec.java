package dev.tessera.retrieval.internal;

import java.util.Set;
import java.util.UUID;

/**
 * A parsed search: the query and its vector, which knowledge bases (with their weights), the
 * reader's principals, the mode, how many results, and the freshness filter and boost.
 */
record SearchSpec(
    String query,
    float[] vector,
    Set<UUID> kbs,
    Set<String> principals,
    Mode mode,
    double bm25Weight,
    double denseWeight,
    int limit,
    Long updatedAfterMillis,
    Double halfLifeDays,
    double freshnessWeight) {
  enum Mode {
    HYBRID,
    BM25,
    DENSE
  }
}

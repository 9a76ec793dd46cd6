package dev.tessera.retrieval.internal;

import java.util.UUID;

/** One search result: the chunk, the fused score, and its dense similarity to the query. */
record Hit(
    String id,
    UUID kb,
    UUID document,
    int version,
    String title,
    String section,
    String anchor,
    int start,
    int end,
    String body,
    long sourceUpdatedMillis,
    double score,
    double similarity) {
  Hit withScore(double s) {
    return new Hit(
        id,
        kb,
        document,
        version,
        title,
        section,
        anchor,
        start,
        end,
        body,
        sourceUpdatedMillis,
        s,
        similarity);
  }
}

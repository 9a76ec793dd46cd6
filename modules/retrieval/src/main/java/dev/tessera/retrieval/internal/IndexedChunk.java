package dev.tessera.retrieval.internal;

import java.util.Set;
import java.util.UUID;

/** A live chunk as the index holds it: where it is from, who may read it, and its vector. */
record IndexedChunk(
    UUID kb,
    UUID document,
    int version,
    String title,
    Chunk chunk,
    long sourceUpdatedMillis,
    Set<String> readers,
    float[] vector) {
  String id() {
    return document + ":" + version + ":" + chunk.seq();
  }
}

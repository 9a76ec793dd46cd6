package dev.tessera.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantIndexTest {
  @TempDir Path dir;

  static float[] vector(Random r) {
    float[] v = new float[16];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Embedder.unit(v);
  }

  @Test
  void the_acl_filters_inside_the_query_so_pages_stay_full_and_restricted_chunks_never_appear()
      throws Exception {
    UUID kb = UUID.randomUUID();
    Random r = new Random(7);
    List<IndexedChunk> chunks = new ArrayList<>();
    List<UUID> docs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      UUID doc = UUID.randomUUID();
      docs.add(doc);
      // the secret documents match the query best, on both retrievers
      boolean secret = i < 20;
      String body = secret ? "merger plan merger plan for project falcon" : "merger notes " + i;
      chunks.add(
          new IndexedChunk(
              kb,
              doc,
              1,
              "doc " + i,
              new Chunk(0, "", "p-1", 0, body.length(), body),
              0L,
              secret ? Set.of("group:board", "role:TENANT_ADMIN") : Set.of("*"),
              vector(r)));
    }
    try (TenantIndex index = new TenantIndex(dir)) {
      index.replace(docs, chunks);
      index.commit(5);
      float[] q = chunks.get(0).vector();
      for (SearchSpec.Mode mode : SearchSpec.Mode.values()) {
        SearchSpec outsider =
            new SearchSpec(
                "merger plan falcon",
                q,
                Set.of(kb),
                Set.of("*", "role:DEVELOPER"),
                mode,
                1,
                1,
                10,
                null,
                null,
                0);
        List<Hit> hits = index.search(outsider, 10);
        assertThat(hits).as(mode.name()).hasSize(10);
        assertThat(hits).noneMatch(h -> h.body().contains("falcon"));
        SearchSpec insider =
            new SearchSpec(
                "merger plan falcon",
                q,
                Set.of(kb),
                Set.of("*", "group:board"),
                mode,
                1,
                1,
                10,
                null,
                null,
                0);
        assertThat(index.search(insider, 10))
            .as(mode.name())
            .hasSize(10)
            .anyMatch(h -> h.body().contains("falcon"));
      }
    }
    // reopened (as after a restart) it knows which change it applied
    try (TenantIndex reopened = new TenantIndex(dir)) {
      assertThat(reopened.applied()).isEqualTo(5);
      assertThat(reopened.ids(kb)).hasSize(60);
    }
  }

  @Test
  void fusion_rewards_agreement_and_weights_shift_it() {
    var fused = Fusion.rrf(List.of("a", "b", "c"), List.of("c", "d"), 1, 1);
    assertThat(fused.keySet().iterator().next()).isEqualTo("c");
    var bm25Only = Fusion.rrf(List.of("a", "b"), List.of("b", "a"), 1, 0);
    assertThat(bm25Only.keySet()).containsExactly("a", "b");
  }
}

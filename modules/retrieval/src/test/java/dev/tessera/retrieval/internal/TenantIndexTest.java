package dev.tessera.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
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

  @Test
  void hybrid_with_its_bm25_half_on_another_thread_ranks_as_inline_and_waits_for_it_on_failure()
      throws Exception {
    UUID kb = UUID.randomUUID();
    Random r = new Random(11);
    List<IndexedChunk> chunks = new ArrayList<>();
    List<UUID> docs = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      UUID doc = UUID.randomUUID();
      docs.add(doc);
      String body = (i % 3 == 0 ? "freight customs tariff " : "payroll pension ") + "note " + i;
      chunks.add(
          new IndexedChunk(
              kb,
              doc,
              1,
              "doc " + i,
              new Chunk(0, "", "p-1", 0, body.length(), body),
              0L,
              Set.of("*"),
              vector(r)));
    }
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (TenantIndex index = new TenantIndex(dir)) {
      index.replace(docs, chunks);
      index.commit(1);
      float[] q = chunks.get(3).vector();
      SearchSpec withVector =
          new SearchSpec(
              "customs tariff",
              q,
              Set.of(kb),
              Set.of("*"),
              SearchSpec.Mode.HYBRID,
              1,
              1,
              10,
              null,
              null,
              0);
      SearchSpec withoutVector =
          new SearchSpec(
              "customs tariff",
              null,
              Set.of(kb),
              Set.of("*"),
              SearchSpec.Mode.HYBRID,
              1,
              1,
              10,
              null,
              null,
              0);
      List<Hit> inline = index.search(withVector, 40);

      AtomicBoolean elsewhere = new AtomicBoolean();
      List<Hit> beside =
          index.search(
              withoutVector,
              40,
              () -> q,
              task ->
                  pool.execute(
                      () -> {
                        elsewhere.set(true);
                        task.run();
                      }));
      assertThat(elsewhere).isTrue();
      assertThat(beside)
          .extracting(Hit::id)
          .containsExactlyElementsOf(inline.stream().map(Hit::id).toList());
      assertThat(beside)
          .extracting(Hit::score)
          .containsExactlyElementsOf(inline.stream().map(Hit::score).toList());
      assertThat(beside.get(0).similarity()).isEqualTo(inline.get(0).similarity());

      // the embedding fails while the BM25 half still reads the searcher: the failure surfaces
      // as it was, and only once that half is done (it holds the searcher until then)
      long started = System.nanoTime();
      assertThatThrownBy(
              () ->
                  index.search(
                      withoutVector,
                      40,
                      () -> {
                        throw new IllegalStateException("embedding failed");
                      },
                      task ->
                          pool.execute(
                              () -> {
                                sleep(300);
                                task.run();
                              })))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("embedding failed");
      assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(300_000_000L);
      assertThat(index.search(withVector, 40))
          .extracting(Hit::id)
          .containsExactlyElementsOf(inline.stream().map(Hit::id).toList());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.tessera.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The self-made BEIR set (test resources, beir/tessera-mini) through the real chunker, the real
 * all-MiniLM-L6-v2 and the real index: hybrid must beat BM25 and dense alone on nDCG@10. (The same
 * set runs through the whole server in RetrievalIT via tools/BeirEval.java.)
 */
class BeirSetTest {
  @TempDir Path dir;

  @Test
  void hybrid_beats_bm25_and_dense_on_ndcg_at_10() throws Exception {
    Path set = Path.of("src/test/resources/beir/tessera-mini");
    var model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    UUID kb = UUID.randomUUID();
    Map<UUID, String> beirId = new HashMap<>();
    List<IndexedChunk> chunks = new ArrayList<>();
    for (JsonObject d : jsonl(set.resolve("corpus.jsonl"))) {
      UUID id = UUID.randomUUID();
      beirId.put(id, d.getString("_id"));
      String title = d.getString("title");
      for (Chunk c : Chunker.chunks(Extraction.plain(d.getString("text")))) {
        float[] v =
            Embedder.unit(model.embed(TextSegment.from(c.indexedText(title))).content().vector());
        chunks.add(new IndexedChunk(kb, id, 1, title, c, 0L, Set.of("*"), v));
      }
    }
    Map<String, String> queries = new LinkedHashMap<>();
    for (JsonObject q : jsonl(set.resolve("queries.jsonl"))) {
      queries.put(q.getString("_id"), q.getString("text"));
    }
    Map<String, String> relevant = new HashMap<>();
    for (String line : Files.readAllLines(set.resolve("qrels/test.tsv"))) {
      String[] f = line.split("\t");
      if (!f[0].equals("query-id")) {
        relevant.put(f[0], f[1]);
      }
    }
    Map<SearchSpec.Mode, Double> ndcg = new LinkedHashMap<>();
    StringBuilder ranks = new StringBuilder();
    try (TenantIndex index = new TenantIndex(dir)) {
      index.replace(beirId.keySet(), chunks);
      index.commit(1);
      for (SearchSpec.Mode mode : SearchSpec.Mode.values()) {
        double sum = 0;
        ranks.append(mode).append(':');
        for (var q : queries.entrySet()) {
          float[] v = Embedder.unit(model.embed(q.getValue()).content().vector());
          SearchSpec spec =
              new SearchSpec(
                  q.getValue(), v, Set.of(kb), Set.of("*"), mode, 1, 1, 10, null, null, 0);
          List<String> docs =
              new ArrayList<>(
                  new LinkedHashSet<>(
                      index.search(spec, 40).stream().map(h -> beirId.get(h.document())).toList()));
          int rank = docs.indexOf(relevant.get(q.getKey()));
          sum += rank < 0 || rank >= 10 ? 0 : 1 / (Math.log(rank + 2) / Math.log(2));
          ranks.append(' ').append(q.getKey()).append('=').append(rank + 1);
        }
        ndcg.put(mode, sum / queries.size());
        ranks.append('\n');
      }
    }
    System.out.println("nDCG@10 " + ndcg + "\n" + ranks);
    assertThat(ndcg.get(SearchSpec.Mode.HYBRID))
        .as(ndcg + "\n" + ranks)
        .isGreaterThan(ndcg.get(SearchSpec.Mode.BM25))
        .isGreaterThan(ndcg.get(SearchSpec.Mode.DENSE));
  }

  static List<JsonObject> jsonl(Path file) throws Exception {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        try (var r = jakarta.json.Json.createReader(new StringReader(line))) {
          out.add(r.readObject());
        }
      }
    }
    return out;
  }
}

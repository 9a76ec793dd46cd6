package dev.tessera.retrieval.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

/**
 * One tenant's Lucene index on this instance: BM25 over the chunk text and HNSW over its vectors,
 * derived from PostgreSQL. The commit's user data records the last change applied, so after a
 * restart (or kill -9: Lucene commits are atomic) the index catches up from there. The reader's ACL
 * and the knowledge bases are filters inside both queries, so what a reader may not see never takes
 * a place in a page or a count.
 */
final class TenantIndex implements AutoCloseable {
  static final String APPLIED = "tessera.applied-change";
  private static final String ID = "id";
  private static final String DOC = "doc";
  private static final String KB = "kb";
  private static final String ACL = "acl";
  private static final String TEXT = "text";
  private static final String VEC = "vec";
  private static final String UPDATED = "updated";

  private final FSDirectory dir;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final Analyzer analyzer = new EnglishAnalyzer();
  private volatile long applied;

  TenantIndex(Path path) throws IOException {
    dir = FSDirectory.open(path);
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
    config.setRAMBufferSizeMB(64);
    writer = new IndexWriter(dir, config);
    String seq = null;
    for (Map.Entry<String, String> e : writer.getLiveCommitData()) {
      if (e.getKey().equals(APPLIED)) {
        seq = e.getValue();
      }
    }
    applied = seq == null ? 0 : Long.parseLong(seq);
    searchers = new SearcherManager(writer, null);
  }

  long applied() {
    return applied;
  }

  /** Replaces everything indexed for {@code documents} with {@code live} (their live chunks). */
  void replace(Collection<UUID> documents, List<IndexedChunk> live) throws IOException {
    for (UUID d : documents) {
      writer.deleteDocuments(new Term(DOC, d.toString()));
    }
    for (IndexedChunk c : live) {
      writer.addDocument(toDocument(c));
    }
  }

  /** Makes what was applied searchable and durable, recording the change it reached. */
  void commit(long appliedChange) throws IOException {
    writer.setLiveCommitData(Map.of(APPLIED, Long.toString(appliedChange)).entrySet());
    writer.commit();
    // refresh first: a search that sees the new watermark skips catching up and must then find
    // the new searcher, not the one from before this commit
    searchers.maybeRefreshBlocking();
    applied = appliedChange;
  }

  void clear() throws IOException {
    writer.deleteAll();
    commit(0);
  }

  private static Document toDocument(IndexedChunk c) {
    Document d = new Document();
    d.add(new StringField(ID, c.id(), Field.Store.YES));
    d.add(new StringField(DOC, c.document().toString(), Field.Store.YES));
    d.add(new StringField(KB, c.kb().toString(), Field.Store.YES));
    for (String p : c.readers()) {
      d.add(new StringField(ACL, p, Field.Store.NO));
    }
    d.add(new TextField(TEXT, c.chunk().indexedText(c.title()), Field.Store.NO));
    d.add(new KnnFloatVectorField(VEC, c.vector(), VectorSimilarityFunction.DOT_PRODUCT));
    d.add(new LongPoint(UPDATED, c.sourceUpdatedMillis()));
    d.add(new StoredField(UPDATED, c.sourceUpdatedMillis()));
    d.add(new StoredField("version", c.version()));
    d.add(new StoredField("title", c.title()));
    d.add(new StoredField("section", c.chunk().section()));
    d.add(new StoredField("anchor", c.chunk().anchor()));
    d.add(new StoredField("start", c.chunk().start()));
    d.add(new StoredField("end", c.chunk().end()));
    d.add(new StoredField("body", c.chunk().body()));
    return d;
  }

  /** The filter every query carries: these knowledge bases, this reader, this freshness. */
  private static Query filter(SearchSpec spec) {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(
        new TermInSetQuery(
            KB,
            spec.kbs().stream().map(k -> new BytesRef(k.toString())).collect(Collectors.toList())),
        Occur.FILTER);
    b.add(
        new TermInSetQuery(
            ACL, spec.principals().stream().map(BytesRef::new).collect(Collectors.toList())),
        Occur.FILTER);
    if (spec.updatedAfterMillis() != null) {
      b.add(
          LongPoint.newRangeQuery(UPDATED, spec.updatedAfterMillis(), Long.MAX_VALUE),
          Occur.FILTER);
    }
    return b.build();
  }

  /** Ranked candidates of each retriever, fused by weighted reciprocal rank. */
  List<Hit> search(SearchSpec spec, int candidates) throws IOException {
    return search(spec, candidates, spec::vector, Runnable::run);
  }

  /**
   * The same, with the query's vector still to be computed: {@code vector} is called on this thread
   * (the embedding goes through the gateway, in the caller's request) while the BM25 half runs on
   * {@code bm25On}, so a hybrid search costs the longer of the two, not their sum.
   */
  List<Hit> search(SearchSpec spec, int candidates, Supplier<float[]> vector, Executor bm25On)
      throws IOException {
    IndexSearcher searcher = searchers.acquire();
    CompletableFuture<List<Integer>> bm25 = CompletableFuture.completedFuture(List.of());
    try {
      Query filter = filter(spec);
      if (spec.mode() != SearchSpec.Mode.DENSE) {
        bm25 =
            CompletableFuture.supplyAsync(() -> bm25(searcher, spec, filter, candidates), bm25On);
      }
      float[] queryVector = spec.mode() == SearchSpec.Mode.BM25 ? null : vector.get();
      List<Integer> dense = new ArrayList<>();
      if (queryVector != null) {
        TopDocs top =
            searcher.search(
                new KnnFloatVectorQuery(VEC, queryVector, candidates, filter), candidates);
        for (ScoreDoc sd : top.scoreDocs) {
          dense.add(sd.doc);
        }
      }
      List<Integer> bm25Docs;
      try {
        bm25Docs = bm25.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof UncheckedIOException u) {
          throw u.getCause();
        }
        throw e;
      }
      return page(searcher, spec, queryVector, bm25Docs, dense);
    } finally {
      // the BM25 half reads this searcher: it is released only once that has finished too
      try {
        bm25.join();
      } catch (RuntimeException ignored) {
        // reported above, or superseded by what failed here
      }
      searchers.release(searcher);
    }
  }

  private List<Integer> bm25(
      IndexSearcher searcher, SearchSpec spec, Query filter, int candidates) {
    List<Integer> out = new ArrayList<>();
    Query text = textQuery(spec.query());
    if (text == null) {
      return out;
    }
    BooleanQuery q =
        new BooleanQuery.Builder().add(text, Occur.MUST).add(filter, Occur.FILTER).build();
    try {
      for (ScoreDoc sd : searcher.search(q, candidates).scoreDocs) {
        out.add(sd.doc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Fuses the two rankings, applies the freshness boost and reads the page's chunks. */
  private List<Hit> page(
      IndexSearcher searcher,
      SearchSpec spec,
      float[] queryVector,
      List<Integer> bm25,
      List<Integer> dense)
      throws IOException {
    Map<Integer, Double> fused = Fusion.rrf(bm25, dense, spec.bm25Weight(), spec.denseWeight());
    List<Map.Entry<Integer, Double>> ranked = new ArrayList<>(fused.entrySet());
    if (spec.halfLifeDays() != null && spec.freshnessWeight() > 0) {
      // fresher sources move up: score × ((1 − w) + w · 0.5^(age / half-life))
      long now = System.currentTimeMillis();
      List<Map.Entry<Integer, Double>> boosted = new ArrayList<>(ranked.size());
      for (Map.Entry<Integer, Double> e : ranked) {
        long updated =
            searcher
                .storedFields()
                .document(e.getKey(), Set.of(UPDATED))
                .getField(UPDATED)
                .numericValue()
                .longValue();
        double ageDays = Math.max(0, (now - updated) / 86_400_000.0);
        double decay = Math.pow(0.5, ageDays / spec.halfLifeDays());
        boosted.add(
            Map.entry(
                e.getKey(),
                e.getValue() * ((1 - spec.freshnessWeight()) + spec.freshnessWeight() * decay)));
      }
      boosted.sort(Map.Entry.<Integer, Double>comparingByValue().reversed());
      ranked = boosted;
    }
    // only the page is read from the stored fields: each read decompresses a block, and the
    // candidates of two retrievers are up to eight times the page
    List<Hit> hits = new ArrayList<>(Math.min(spec.limit(), ranked.size()));
    for (Map.Entry<Integer, Double> e : ranked.subList(0, Math.min(spec.limit(), ranked.size()))) {
      hits.add(hit(searcher, e.getKey(), e.getValue(), queryVector));
    }
    return hits;
  }

  /** BM25 over the analysed query's terms (OR); null when nothing is left after analysis. */
  private Query textQuery(String query) {
    List<String> terms = new ArrayList<>();
    try (var ts = analyzer.tokenStream(TEXT, query)) {
      var attr =
          ts.addAttribute(org.apache.lucene.analysis.tokenattributes.CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        terms.add(attr.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (String t : new HashSet<>(terms)) {
      b.add(new TermQuery(new Term(TEXT, t)), Occur.SHOULD);
    }
    return b.build();
  }

  private Hit hit(IndexSearcher searcher, int doc, double score, float[] query) throws IOException {
    Document d = searcher.storedFields().document(doc);
    double similarity = Double.NaN;
    if (query != null) {
      List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
      FloatVectorValues values = leaf.reader().getFloatVectorValues(VEC);
      if (values != null && values.advance(doc - leaf.docBase) == doc - leaf.docBase) {
        similarity = Embedder.dot(values.vectorValue(), query);
      }
    }
    return new Hit(
        d.get(ID),
        UUID.fromString(d.get(KB)),
        UUID.fromString(d.get(DOC)),
        d.getField("version").numericValue().intValue(),
        d.get("title"),
        d.get("section"),
        d.get("anchor"),
        d.getField("start").numericValue().intValue(),
        d.getField("end").numericValue().intValue(),
        d.get("body"),
        d.getField(UPDATED).numericValue().longValue(),
        score,
        similarity);
  }

  /** Ids of the chunks indexed for a knowledge base (for the consistency check). */
  Set<String> ids(UUID kb) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      Set<String> out = new HashSet<>();
      TopDocs all = searcher.search(new TermQuery(new Term(KB, kb.toString())), Integer.MAX_VALUE);
      for (ScoreDoc sd : all.scoreDocs) {
        out.add(searcher.storedFields().document(sd.doc, Set.of(ID)).get(ID));
      }
      return out;
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public void close() throws IOException {
    searchers.close();
    writer.close();
    dir.close();
  }
}

package dev.tessera.retrieval.internal;

import dev.tessera.retrieval.api.Acl;
import dev.tessera.retrieval.api.KnowledgeBases;
import dev.tessera.retrieval.api.RetrievalException;
import dev.tessera.retrieval.api.Upload;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Knowledge bases, documents and groups as JSON, over {@link RetrievalStore}. */
@ApplicationScoped
class DefaultKnowledgeBases implements KnowledgeBases {
  private static final Set<String> KB_FIELDS =
      Set.of("name", "description", "acl", "weights", "embedding_model");

  @Inject RetrievalStore store;
  @Inject IngestQueue queue;
  @Inject RetrievalSettings settings;
  @Inject TenantIndexes indexes;

  @Override
  public JsonObject create(TenantId tenant, JsonObject body) {
    known(body, KB_FIELDS);
    String name = Json.string(body, "name", true).strip();
    if (name.isEmpty() || name.length() > 200) {
      throw InvalidInputException.field("name", "must be 1 to 200 characters");
    }
    double[] w = weights(body);
    String model = Json.string(body, "embedding_model", false);
    return kb(
        store.createKb(
            tenant,
            name,
            Json.string(body, "description", false),
            Json.acl(body, "acl"),
            w[0] < 0 ? 1 : w[0],
            w[1] < 0 ? 1 : w[1],
            model == null ? "local-minilm" : model));
  }

  private static double[] weights(JsonObject body) {
    JsonObject weights = Json.object(body, "weights");
    double[] out = {-1, -1};
    if (weights != null) {
      known(weights, Set.of("bm25", "dense"));
      Double b = Json.number(weights, "bm25");
      Double d = Json.number(weights, "dense");
      if ((b != null && (b < 0 || b > 100)) || (d != null && (d < 0 || d > 100))) {
        throw InvalidInputException.field("weights", "each weight must be between 0 and 100");
      }
      out[0] = b == null ? -1 : b;
      out[1] = d == null ? -1 : d;
    }
    return out;
  }

  static void known(JsonObject body, Set<String> fields) {
    for (String k : body.keySet()) {
      if (!fields.contains(k)) {
        throw InvalidInputException.field(
            k, "unknown field (known: " + String.join(", ", new java.util.TreeSet<>(fields)) + ")");
      }
    }
  }

  @Override
  public JsonObject get(TenantId tenant, UUID kb) {
    return kb(store.in(tenant, c -> store.requireKb(c, tenant, kb)));
  }

  @Override
  public JsonObject list(TenantId tenant) {
    JsonArrayBuilder a = Json.P.createArrayBuilder();
    store.kbs(tenant).forEach(k -> a.add(kb(k)));
    return Json.P.createObjectBuilder().add("object", "list").add("data", a).build();
  }

  @Override
  public JsonObject update(TenantId tenant, UUID kb, JsonObject body) {
    known(body, Set.of("acl", "weights"));
    double[] w = weights(body);
    return kb(
        store.updateKb(
            tenant,
            kb,
            body.containsKey("acl"),
            Json.acl(body, "acl"),
            w[0] < 0 ? null : w[0],
            w[1] < 0 ? null : w[1]));
  }

  @Override
  public void delete(TenantId tenant, UUID kb) {
    store.deleteKb(tenant, kb);
  }

  @Override
  public JsonObject upload(TenantId tenant, UUID kb, UUID document, Upload upload) {
    if (upload.content() == null || upload.content().length == 0) {
      throw InvalidInputException.field("content", "the document is empty");
    }
    if (upload.content().length > settings.maxDocumentBytes()) {
      throw new RetrievalException(
          413,
          "document-too-large",
          "The document has "
              + upload.content().length
              + " bytes; at most "
              + settings.maxDocumentBytes()
              + " are accepted (TESSERA_RETRIEVAL_MAX_DOCUMENT_BYTES). Split it and upload the parts.");
    }
    String title = upload.title() == null ? null : upload.title().strip();
    if (document == null && (title == null || title.isEmpty())) {
      throw InvalidInputException.field("title", "is required");
    }
    if (title != null && title.length() > 500) {
      throw InvalidInputException.field("title", "at most 500 characters");
    }
    if (upload.externalId() != null && upload.externalId().length() > 500) {
      throw InvalidInputException.field("external_id", "at most 500 characters");
    }
    String type = Extraction.mediaType(upload.content(), upload.mediaType(), title);
    Acl acl = Json.acl(upload.acl(), "acl");
    boolean setAcl = upload.acl() != null && upload.acl().containsKey("acl");
    UUID[] made =
        store.addVersion(
            tenant,
            kb,
            document,
            title,
            upload.externalId(),
            upload.metadata(),
            setAcl,
            acl,
            type,
            upload.content(),
            upload.sourceUpdatedAt() == null ? Instant.now() : upload.sourceUpdatedAt(),
            upload.uploadedBy());
    int version = (int) made[1].getLeastSignificantBits();
    try {
      queue.enqueue(tenant, made[0], version);
    } catch (RuntimeException e) {
      store.failed(
          tenant, made[0], version, "not_queued", "the ingestion queue refused it; upload again");
      throw e;
    }
    return document(tenant, kb, made[0]);
  }

  @Override
  public JsonObject document(TenantId tenant, UUID kb, UUID document) {
    return store.in(
        tenant,
        c -> {
          store.requireKb(c, tenant, kb);
          return doc(
              store
                  .doc(c, tenant, kb, document)
                  .orElseThrow(() -> new NotFoundException("document", document)));
        });
  }

  @Override
  public JsonObject documents(TenantId tenant, UUID kb) {
    return store.in(
        tenant,
        c -> {
          store.requireKb(c, tenant, kb);
          JsonArrayBuilder a = Json.P.createArrayBuilder();
          store.docs(c, tenant, kb, null).forEach(d -> a.add(doc(d)));
          return Json.P.createObjectBuilder().add("object", "list").add("data", a).build();
        });
  }

  @Override
  public JsonObject updateDocument(TenantId tenant, UUID kb, UUID document, JsonObject body) {
    known(body, Set.of("acl"));
    if (!body.containsKey("acl")) {
      throw InvalidInputException.field("acl", "is required (null: inherit the knowledge base's)");
    }
    store.updateDocAcl(tenant, kb, document, Json.acl(body, "acl"));
    return document(tenant, kb, document);
  }

  @Override
  public void deleteDocument(TenantId tenant, UUID kb, UUID document) {
    store.deleteDoc(tenant, kb, document);
  }

  @Override
  public String text(TenantId tenant, UUID kb, UUID document) {
    return store
        .liveText(tenant, kb, document)
        .orElseThrow(() -> new NotFoundException("ready document", document));
  }

  @Override
  public JsonObject indexStatus(TenantId tenant, UUID kb) {
    store.in(tenant, c -> store.requireKb(c, tenant, kb));
    // compare the index with one snapshot of PostgreSQL at the change the index has applied;
    // ingestion elsewhere may move on meanwhile, so catch up and read again until both agree
    for (int attempt = 0; ; attempt++) {
      Object[] snapshot = store.in(tenant, c -> store.liveChunkIds(c, tenant, kb));
      long latest = (long) snapshot[0];
      @SuppressWarnings("unchecked")
      Set<String> stored = (Set<String>) snapshot[1];
      TenantIndex index = indexes.current(tenant, latest);
      Set<String> indexed;
      long applied;
      synchronized (index) {
        applied = index.applied();
        try {
          indexed = index.ids(kb);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      if (applied == latest || attempt == 20) {
        return Json.P.createObjectBuilder()
            .add("knowledge_base_id", kb.toString())
            .add("stored_chunks", stored.size())
            .add("indexed_chunks", indexed.size())
            .add("consistent", applied == latest && stored.equals(indexed))
            .add("applied_change", applied)
            .add("latest_change", latest)
            .build();
      }
    }
  }

  @Override
  public JsonObject reindex(TenantId tenant) {
    long started = System.nanoTime();
    indexes.rebuild(tenant);
    return Json.P.createObjectBuilder()
        .add("rebuilt", true)
        .add("millis", (System.nanoTime() - started) / 1_000_000)
        .build();
  }

  @Override
  public JsonObject putGroup(TenantId tenant, String name, JsonObject body) {
    known(body, Set.of("members"));
    if (!name.matches("[A-Za-z0-9._:-]{1,100}")) {
      throw InvalidInputException.field("name", "1 to 100 letters, digits and . _ : -");
    }
    List<String> members = Json.strings(body, "members", "members");
    for (String m : members) {
      if (!m.matches("(user|key):[0-9a-fA-F-]{36}")) {
        throw InvalidInputException.field("members", "'" + m + "' is not user:<id> or key:<id>");
      }
      Json.uuid(m.substring(m.indexOf(':') + 1), "members");
    }
    store.putGroup(
        tenant, name, members.stream().map(m -> m.toLowerCase(java.util.Locale.ROOT)).toList());
    return Json.P.createObjectBuilder()
        .add("name", name)
        .add("members", Json.P.createArrayBuilder(members))
        .build();
  }

  @Override
  public JsonObject groups(TenantId tenant) {
    JsonArrayBuilder a = Json.P.createArrayBuilder();
    for (String[] g : store.groups(tenant)) {
      JsonArrayBuilder m = Json.P.createArrayBuilder();
      if (g[1] != null && !g[1].isEmpty()) {
        for (String x : g[1].split(",")) {
          m.add(x);
        }
      }
      a.add(Json.P.createObjectBuilder().add("name", g[0]).add("members", m));
    }
    return Json.P.createObjectBuilder().add("object", "list").add("data", a).build();
  }

  static JsonObject kb(RetrievalStore.Kb k) {
    JsonObjectBuilder b =
        Json.P.createObjectBuilder()
            .add("id", k.id().toString())
            .add("object", "knowledge_base")
            .add("name", k.name())
            .add(
                "weights",
                Json.P.createObjectBuilder()
                    .add("bm25", k.bm25Weight())
                    .add("dense", k.denseWeight()))
            .add("embedding_model", k.embeddingModel())
            .add("created_at", k.createdAt().getEpochSecond());
    if (k.description() == null) {
      b.addNull("description");
    } else {
      b.add("description", k.description());
    }
    if (k.acl() == null) {
      b.addNull("acl");
    } else {
      b.add("acl", Json.acl(k.acl()));
    }
    return b.build();
  }

  static JsonObject doc(RetrievalStore.Doc d) {
    RetrievalStore.Version v = d.current();
    JsonObjectBuilder progress = Json.P.createObjectBuilder().add("chunks_done", v.chunksDone());
    if (v.chunksTotal() == null) {
      progress.addNull("chunks_total");
    } else {
      progress.add("chunks_total", v.chunksTotal());
    }
    JsonObjectBuilder b =
        Json.P.createObjectBuilder()
            .add("id", d.id().toString())
            .add("object", "document")
            .add("knowledge_base_id", d.kb().toString())
            .add("title", d.title())
            .add("version", d.currentVersion())
            .add("status", v.status())
            .add("media_type", v.mediaType())
            .add("size_bytes", v.sizeBytes())
            .add("progress", progress)
            .add("source_updated_at", v.sourceUpdatedAt().toString())
            .add("created_at", d.createdAt().getEpochSecond());
    if (d.liveVersion() == null) {
      b.addNull("live_version");
    } else {
      b.add("live_version", d.liveVersion());
    }
    if (d.externalId() == null) {
      b.addNull("external_id");
    } else {
      b.add("external_id", d.externalId());
    }
    if (d.acl() == null) {
      b.addNull("acl");
    } else {
      b.add("acl", Json.acl(d.acl()));
    }
    b.add(
        "metadata", d.metadata() == null ? jakarta.json.JsonValue.EMPTY_JSON_OBJECT : d.metadata());
    if (v.errorCode() != null) {
      b.add(
          "error",
          Json.P.createObjectBuilder()
              .add("code", v.errorCode())
              .add("message", v.errorMessage() == null ? "" : v.errorMessage()));
    } else {
      b.addNull("error");
    }
    return b.build();
  }
}

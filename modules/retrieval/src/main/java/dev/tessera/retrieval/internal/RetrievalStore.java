package dev.tessera.retrieval.internal;

import dev.tessera.retrieval.api.Acl;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Retrieval's tables, always inside a transaction pinned to the tenant (row-level security). Every
 * change search must see appends to {@code retrieval_changes} in the same transaction, under a
 * per-tenant lock held to commit, so change numbers are in commit order and an index that applied
 * up to N never misses a later commit with a smaller number.
 */
@ApplicationScoped
class RetrievalStore {
  @Inject TenantData data;

  record Kb(
      UUID id,
      String name,
      String description,
      Acl acl,
      double bm25Weight,
      double denseWeight,
      String embeddingModel,
      Instant createdAt) {}

  record Doc(
      UUID id,
      UUID kb,
      String externalId,
      String title,
      int currentVersion,
      Integer liveVersion,
      Acl acl,
      JsonObject metadata,
      Instant createdAt,
      Instant updatedAt,
      Version current) {}

  record Version(
      int version,
      String status,
      String mediaType,
      int sizeBytes,
      Instant sourceUpdatedAt,
      Integer chunksTotal,
      int chunksDone,
      String errorCode,
      String errorMessage,
      Instant createdAt,
      Instant finishedAt) {}

  /** What a worker needs to ingest one version. */
  record Work(
      UUID kb,
      String title,
      String embeddingModel,
      String status,
      String mediaType,
      byte[] content,
      UUID uploadedBy,
      int currentVersion,
      boolean deleted) {}

  <T> T in(TenantId tenant, TenantData.Work<T> work) {
    return data.inTenant(tenant, work);
  }

  // ---- knowledge bases -------------------------------------------------------------------

  Kb createKb(
      TenantId t,
      String name,
      String description,
      Acl acl,
      double bm25,
      double dense,
      String model) {
    UUID id = UUID.randomUUID();
    return in(
        t,
        c -> {
          if (exists(
              c,
              "SELECT 1 FROM knowledge_bases WHERE tenant_id = ? AND lower(name) = lower(?)",
              t,
              name)) {
            throw new ConflictException("A knowledge base named '" + name + "' exists already.");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO knowledge_bases (tenant_id, id, name, description, acl, bm25_weight, "
                      + "dense_weight, embedding_model) VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
            ps.setObject(1, t.value());
            ps.setObject(2, id);
            ps.setString(3, name);
            ps.setString(4, description);
            ps.setString(5, aclText(acl));
            ps.setDouble(6, bm25);
            ps.setDouble(7, dense);
            ps.setString(8, model);
            ps.executeUpdate();
          }
          return kb(c, t, id).orElseThrow();
        });
  }

  Optional<Kb> kb(Connection c, TenantId t, UUID id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, name, description, acl::text, bm25_weight, dense_weight, embedding_model, "
                + "created_at FROM knowledge_bases WHERE tenant_id = ? AND id = ?")) {
      ps.setObject(1, t.value());
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(kb(rs)) : Optional.empty();
      }
    }
  }

  Kb requireKb(Connection c, TenantId t, UUID id) throws SQLException {
    return kb(c, t, id).orElseThrow(() -> new NotFoundException("knowledge base", id));
  }

  List<Kb> kbs(TenantId t) {
    return in(
        t,
        c -> {
          List<Kb> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, name, description, acl::text, bm25_weight, dense_weight, "
                      + "embedding_model, created_at FROM knowledge_bases WHERE tenant_id = ? "
                      + "ORDER BY created_at, id LIMIT 1000")) {
            ps.setObject(1, t.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(kb(rs));
              }
            }
          }
          return out;
        });
  }

  private static Kb kb(ResultSet rs) throws SQLException {
    return new Kb(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        rs.getString(3),
        Json.acl(Json.parse(wrap(rs.getString(4))), "acl"),
        rs.getDouble(5),
        rs.getDouble(6),
        rs.getString(7),
        rs.getTimestamp(8).toInstant());
  }

  /** Updates what is given (nulls keep); an ACL change re-indexes the documents inheriting it. */
  Kb updateKb(TenantId t, UUID id, boolean setAcl, Acl acl, Double bm25, Double dense) {
    return in(
        t,
        c -> {
          requireKb(c, t, id);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE knowledge_bases SET acl = CASE WHEN ? THEN ?::jsonb ELSE acl END, "
                      + "bm25_weight = coalesce(?, bm25_weight), dense_weight = coalesce(?, dense_weight) "
                      + "WHERE tenant_id = ? AND id = ?")) {
            ps.setBoolean(1, setAcl);
            ps.setString(2, aclText(acl));
            ps.setObject(3, bm25, Types.REAL);
            ps.setObject(4, dense, Types.REAL);
            ps.setObject(5, t.value());
            ps.setObject(6, id);
            ps.executeUpdate();
          }
          if (setAcl) {
            List<UUID> inheriting = new ArrayList<>();
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT id FROM retrieval_documents WHERE tenant_id = ? AND kb_id = ? "
                        + "AND acl IS NULL AND deleted_at IS NULL")) {
              ps.setObject(1, t.value());
              ps.setObject(2, id);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  inheriting.add(rs.getObject(1, UUID.class));
                }
              }
            }
            logChanges(c, t, inheriting);
          }
          return kb(c, t, id).orElseThrow();
        });
  }

  void deleteKb(TenantId t, UUID id) {
    in(
        t,
        c -> {
          requireKb(c, t, id);
          List<UUID> docs = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id FROM retrieval_documents WHERE tenant_id = ? AND kb_id = ?")) {
            ps.setObject(1, t.value());
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                docs.add(rs.getObject(1, UUID.class));
              }
            }
          }
          logChanges(c, t, docs);
          update(c, "DELETE FROM knowledge_bases WHERE tenant_id = ? AND id = ?", t.value(), id);
          return null;
        });
  }

  // ---- documents -----------------------------------------------------------------------

  /**
   * A new document, or a new version of {@code document} (or of the one with the same external id):
   * the previous live version leaves search in this transaction. Returns {id, version}.
   */
  UUID[] addVersion(
      TenantId t,
      UUID kb,
      UUID document,
      String title,
      String externalId,
      JsonObject metadata,
      boolean setAcl,
      Acl acl,
      String mediaType,
      byte[] content,
      Instant sourceUpdatedAt,
      UUID key) {
    return in(
        t,
        c -> {
          requireKb(c, t, kb);
          UUID id = document;
          if (id == null && externalId != null) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "SELECT id FROM retrieval_documents WHERE tenant_id = ? AND kb_id = ? "
                        + "AND external_id = ? AND deleted_at IS NULL")) {
              ps.setObject(1, t.value());
              ps.setObject(2, kb);
              ps.setString(3, externalId);
              try (ResultSet rs = ps.executeQuery()) {
                id = rs.next() ? rs.getObject(1, UUID.class) : null;
              }
            }
          }
          int version;
          if (id == null) {
            id = UUID.randomUUID();
            version = 1;
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO retrieval_documents (tenant_id, id, kb_id, external_id, title, "
                        + "current_version, acl, metadata) VALUES (?, ?, ?, ?, ?, 1, ?::jsonb, ?::jsonb)")) {
              ps.setObject(1, t.value());
              ps.setObject(2, id);
              ps.setObject(3, kb);
              ps.setString(4, externalId);
              ps.setString(5, title);
              ps.setString(6, aclText(acl));
              ps.setString(7, metadata == null ? null : metadata.toString());
              ps.executeUpdate();
            }
          } else {
            Integer live;
            try (PreparedStatement ps =
                c.prepareStatement(
                    "UPDATE retrieval_documents SET current_version = current_version + 1, "
                        + "title = coalesce(?, title), metadata = coalesce(?::jsonb, metadata), "
                        + "acl = CASE WHEN ? THEN ?::jsonb ELSE acl END, updated_at = now() "
                        + "WHERE tenant_id = ? AND id = ? AND kb_id = ? AND deleted_at IS NULL "
                        + "RETURNING current_version, live_version")) {
              ps.setString(1, title);
              ps.setString(2, metadata == null ? null : metadata.toString());
              ps.setBoolean(3, setAcl);
              ps.setString(4, aclText(acl));
              ps.setObject(5, t.value());
              ps.setObject(6, id);
              ps.setObject(7, kb);
              try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                  throw new NotFoundException("document", id);
                }
                version = rs.getInt(1);
                live = (Integer) rs.getObject(2);
              }
            }
            // the old version leaves search now, not when the new one is ready
            update(
                c,
                "UPDATE retrieval_document_versions SET status = 'superseded', content = NULL, "
                    + "finished_at = coalesce(finished_at, now()) WHERE tenant_id = ? AND document_id = ? "
                    + "AND status IN ('queued', 'processing', 'ready')",
                t.value(),
                id);
            if (live != null) {
              update(
                  c,
                  "DELETE FROM retrieval_chunks WHERE tenant_id = ? AND document_id = ?",
                  t.value(),
                  id);
              update(
                  c,
                  "UPDATE retrieval_documents SET live_version = NULL WHERE tenant_id = ? AND id = ?",
                  t.value(),
                  id);
            }
            logChanges(c, t, List.of(id));
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO retrieval_document_versions (tenant_id, document_id, version, status, "
                      + "media_type, size_bytes, content, source_updated_at, uploaded_by_key) "
                      + "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)")) {
            ps.setObject(1, t.value());
            ps.setObject(2, id);
            ps.setInt(3, version);
            ps.setString(4, mediaType);
            ps.setInt(5, content.length);
            ps.setBytes(6, content);
            ps.setTimestamp(7, Timestamp.from(sourceUpdatedAt));
            ps.setObject(8, key);
            ps.executeUpdate();
          }
          return new UUID[] {id, new UUID(0, version)};
        });
  }

  Optional<Doc> doc(Connection c, TenantId t, UUID kb, UUID id) throws SQLException {
    List<Doc> d = docs(c, t, kb, id);
    return d.isEmpty() ? Optional.empty() : Optional.of(d.get(0));
  }

  List<Doc> docs(Connection c, TenantId t, UUID kb, UUID only) throws SQLException {
    List<Doc> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.id, d.kb_id, d.external_id, d.title, d.current_version, d.live_version, "
                + "d.acl::text, d.metadata::text, d.created_at, d.updated_at, v.version, v.status, "
                + "v.media_type, v.size_bytes, v.source_updated_at, v.chunks_total, v.chunks_done, "
                + "v.error_code, v.error_message, v.created_at, v.finished_at "
                + "FROM retrieval_documents d JOIN retrieval_document_versions v "
                + "ON v.tenant_id = d.tenant_id AND v.document_id = d.id AND v.version = d.current_version "
                + "WHERE d.tenant_id = ? AND d.kb_id = ? AND d.deleted_at IS NULL "
                + (only == null ? "" : "AND d.id = ? ")
                + "ORDER BY d.created_at, d.id LIMIT 1000")) {
      ps.setObject(1, t.value());
      ps.setObject(2, kb);
      if (only != null) {
        ps.setObject(3, only);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Version v =
              new Version(
                  rs.getInt(11),
                  rs.getString(12),
                  rs.getString(13),
                  rs.getInt(14),
                  rs.getTimestamp(15).toInstant(),
                  (Integer) rs.getObject(16),
                  rs.getInt(17),
                  rs.getString(18),
                  rs.getString(19),
                  rs.getTimestamp(20).toInstant(),
                  rs.getTimestamp(21) == null ? null : rs.getTimestamp(21).toInstant());
          out.add(
              new Doc(
                  rs.getObject(1, UUID.class),
                  rs.getObject(2, UUID.class),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getInt(5),
                  (Integer) rs.getObject(6),
                  Json.acl(Json.parse(wrap(rs.getString(7))), "acl"),
                  Json.parse(rs.getString(8)),
                  rs.getTimestamp(9).toInstant(),
                  rs.getTimestamp(10).toInstant(),
                  v));
        }
      }
    }
    return out;
  }

  void updateDocAcl(TenantId t, UUID kb, UUID id, Acl acl) {
    in(
        t,
        c -> {
          requireKb(c, t, kb);
          int n =
              update(
                  c,
                  "UPDATE retrieval_documents SET acl = ?::jsonb, updated_at = now() "
                      + "WHERE tenant_id = ? AND kb_id = ? AND id = ? AND deleted_at IS NULL",
                  aclText(acl),
                  t.value(),
                  kb,
                  id);
          if (n == 0) {
            throw new NotFoundException("document", id);
          }
          logChanges(c, t, List.of(id));
          return null;
        });
  }

  /** Gone from search in this transaction: chunks deleted, versions marked, change logged. */
  void deleteDoc(TenantId t, UUID kb, UUID id) {
    in(
        t,
        c -> {
          requireKb(c, t, kb);
          int n =
              update(
                  c,
                  "UPDATE retrieval_documents SET deleted_at = now(), live_version = NULL, "
                      + "updated_at = now() WHERE tenant_id = ? AND kb_id = ? AND id = ? AND deleted_at IS NULL",
                  t.value(),
                  kb,
                  id);
          if (n == 0) {
            throw new NotFoundException("document", id);
          }
          update(
              c,
              "DELETE FROM retrieval_chunks WHERE tenant_id = ? AND document_id = ?",
              t.value(),
              id);
          update(
              c,
              "UPDATE retrieval_document_versions SET status = CASE WHEN status IN ('queued','processing','ready') "
                  + "THEN 'deleted' ELSE status END, content = NULL, extracted_text = NULL "
                  + "WHERE tenant_id = ? AND document_id = ?",
              t.value(),
              id);
          logChanges(c, t, List.of(id));
          return null;
        });
  }

  /** The live version's extracted text. */
  Optional<String> liveText(TenantId t, UUID kb, UUID id) {
    return in(
        t,
        c -> {
          requireKb(c, t, kb);
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT v.extracted_text FROM retrieval_documents d JOIN retrieval_document_versions v "
                      + "ON v.tenant_id = d.tenant_id AND v.document_id = d.id AND v.version = d.live_version "
                      + "WHERE d.tenant_id = ? AND d.kb_id = ? AND d.id = ? AND d.deleted_at IS NULL")) {
            ps.setObject(1, t.value());
            ps.setObject(2, kb);
            ps.setObject(3, id);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  // ---- ingestion -----------------------------------------------------------------------

  Optional<Work> work(TenantId t, UUID id, int version) {
    return in(
        t,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT d.kb_id, d.title, k.embedding_model, v.status, v.media_type, v.content, "
                      + "v.uploaded_by_key, d.current_version, d.deleted_at IS NOT NULL "
                      + "FROM retrieval_document_versions v JOIN retrieval_documents d "
                      + "ON d.tenant_id = v.tenant_id AND d.id = v.document_id "
                      + "JOIN knowledge_bases k ON k.tenant_id = d.tenant_id AND k.id = d.kb_id "
                      + "WHERE v.tenant_id = ? AND v.document_id = ? AND v.version = ?")) {
            ps.setObject(1, t.value());
            ps.setObject(2, id);
            ps.setInt(3, version);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  new Work(
                      rs.getObject(1, UUID.class),
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getString(5),
                      rs.getBytes(6),
                      rs.getObject(7, UUID.class),
                      rs.getInt(8),
                      rs.getBoolean(9)));
            }
          }
        });
  }

  /** Extraction done: the text, the chunk count, and no chunks yet (a retry starts over). */
  boolean extracted(TenantId t, UUID id, int version, String text, int total) {
    return in(
        t,
        c -> {
          update(
              c,
              "DELETE FROM retrieval_chunks WHERE tenant_id = ? AND document_id = ? AND version = ?",
              t.value(),
              id,
              version);
          return update(
                  c,
                  "UPDATE retrieval_document_versions SET status = 'processing', extracted_text = ?, "
                      + "chunks_total = ?, chunks_done = 0 WHERE tenant_id = ? AND document_id = ? "
                      + "AND version = ? AND status IN ('queued', 'processing')",
                  text,
                  total,
                  t.value(),
                  id,
                  version)
              == 1;
        });
  }

  /** Stores embedded chunks and advances the progress; false when the version left meanwhile. */
  boolean addChunks(TenantId t, UUID id, int version, List<Chunk> chunks, List<float[]> vectors) {
    return in(
        t,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO retrieval_chunks (tenant_id, document_id, version, seq, section, anchor, "
                      + "start_char, end_char, body, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < chunks.size(); i++) {
              Chunk ch = chunks.get(i);
              float[] v = vectors.get(i);
              Float[] boxed = new Float[v.length];
              for (int j = 0; j < v.length; j++) {
                boxed[j] = v[j];
              }
              ps.setObject(1, t.value());
              ps.setObject(2, id);
              ps.setInt(3, version);
              ps.setInt(4, ch.seq());
              ps.setString(5, ch.section());
              ps.setString(6, ch.anchor());
              ps.setInt(7, ch.start());
              ps.setInt(8, ch.end());
              ps.setString(9, ch.body());
              ps.setArray(10, c.createArrayOf("float4", boxed));
              ps.addBatch();
            }
            ps.executeBatch();
          }
          return update(
                  c,
                  "UPDATE retrieval_document_versions SET chunks_done = chunks_done + ? "
                      + "WHERE tenant_id = ? AND document_id = ? AND version = ? AND status = 'processing'",
                  chunks.size(),
                  t.value(),
                  id,
                  version)
              == 1;
        });
  }

  /** The version goes live, unless a newer one or a delete came first (then it is dropped). */
  boolean goLive(TenantId t, UUID id, int version) {
    return in(
        t,
        c -> {
          int n =
              update(
                  c,
                  "UPDATE retrieval_document_versions SET status = 'ready', content = NULL, finished_at = now() "
                      + "WHERE tenant_id = ? AND document_id = ? AND version = ? AND status = 'processing' "
                      + "AND EXISTS (SELECT 1 FROM retrieval_documents d WHERE d.tenant_id = ? AND d.id = ? "
                      + "  AND d.current_version = ? AND d.deleted_at IS NULL)",
                  t.value(),
                  id,
                  version,
                  t.value(),
                  id,
                  version);
          if (n == 0) {
            update(
                c,
                "DELETE FROM retrieval_chunks WHERE tenant_id = ? AND document_id = ? AND version = ?",
                t.value(),
                id,
                version);
            return false;
          }
          update(
              c,
              "UPDATE retrieval_documents SET live_version = ?, updated_at = now() WHERE tenant_id = ? AND id = ?",
              version,
              t.value(),
              id);
          logChanges(c, t, List.of(id));
          return true;
        });
  }

  /** Dead letter: the version failed for good, with a code and a message for the uploader. */
  void failed(TenantId t, UUID id, int version, String code, String message) {
    in(
        t,
        c -> {
          update(
              c,
              "DELETE FROM retrieval_chunks WHERE tenant_id = ? AND document_id = ? AND version = ?",
              t.value(),
              id,
              version);
          return update(
              c,
              "UPDATE retrieval_document_versions SET status = 'failed', error_code = ?, error_message = ?, "
                  + "finished_at = now() WHERE tenant_id = ? AND document_id = ? AND version = ? "
                  + "AND status IN ('queued', 'processing')",
              code,
              message,
              t.value(),
              id,
              version);
        });
  }

  void retrying(TenantId t, UUID id, int version, String message) {
    in(
        t,
        c ->
            update(
                c,
                "UPDATE retrieval_document_versions SET error_code = 'retrying', error_message = ? "
                    + "WHERE tenant_id = ? AND document_id = ? AND version = ?",
                message,
                t.value(),
                id,
                version));
  }

  // ---- readers, changes and live chunks -------------------------------------------------

  /** The reader's principals: everyone, its key, roles, the key's creator and their groups. */
  Set<String> principals(Connection c, TenantId t, UUID key, Collection<String> roles)
      throws SQLException {
    Set<String> out = new LinkedHashSet<>();
    out.add(Acl.EVERYONE);
    roles.forEach(r -> out.add("role:" + r));
    if (key != null) {
      out.add("key:" + key);
      try (PreparedStatement ps =
          c.prepareStatement("SELECT created_by FROM api_keys WHERE tenant_id = ? AND id = ?")) {
        ps.setObject(1, t.value());
        ps.setObject(2, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next() && rs.getObject(1) != null) {
            out.add("user:" + rs.getObject(1, UUID.class));
          }
        }
      }
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT name FROM retrieval_groups WHERE tenant_id = ? AND members && ?")) {
      ps.setObject(1, t.value());
      ps.setArray(2, c.createArrayOf("text", out.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add("group:" + rs.getString(1));
        }
      }
    }
    return out;
  }

  long latestChange(Connection c, TenantId t) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT coalesce(max(seq), 0) FROM retrieval_changes WHERE tenant_id = ?")) {
      ps.setObject(1, t.value());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Documents changed in (after, upTo]; every document ever changed when after is 0. */
  List<UUID> changedSince(Connection c, TenantId t, long after, long upTo) throws SQLException {
    List<UUID> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT DISTINCT document_id FROM retrieval_changes WHERE tenant_id = ? AND seq > ? AND seq <= ?")) {
      ps.setObject(1, t.value());
      ps.setLong(2, after);
      ps.setLong(3, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return out;
  }

  /** The live chunks of these documents with their effective ACL, as the index wants them. */
  List<IndexedChunk> liveChunks(Connection c, TenantId t, List<UUID> documents)
      throws SQLException {
    List<IndexedChunk> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.kb_id, d.id, ch.version, d.title, ch.seq, ch.section, ch.anchor, ch.start_char, "
                + "ch.end_char, ch.body, v.source_updated_at, coalesce(d.acl, k.acl)::text, ch.embedding "
                + "FROM retrieval_documents d "
                + "JOIN knowledge_bases k ON k.tenant_id = d.tenant_id AND k.id = d.kb_id "
                + "JOIN retrieval_document_versions v ON v.tenant_id = d.tenant_id AND v.document_id = d.id "
                + "  AND v.version = d.live_version "
                + "JOIN retrieval_chunks ch ON ch.tenant_id = d.tenant_id AND ch.document_id = d.id "
                + "  AND ch.version = d.live_version "
                + "WHERE d.tenant_id = ? AND d.id = ANY(?) AND d.deleted_at IS NULL")) {
      ps.setFetchSize(2000);
      ps.setObject(1, t.value());
      ps.setArray(2, c.createArrayOf("uuid", documents.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Acl acl = Json.acl(Json.parse(wrap(rs.getString(12))), "acl");
          Set<String> readers = acl == null ? Set.of(Acl.EVERYONE) : acl.principals();
          Array arr = rs.getArray(13);
          Float[] boxed = (Float[]) arr.getArray();
          float[] vec = new float[boxed.length];
          for (int i = 0; i < vec.length; i++) {
            vec[i] = boxed[i];
          }
          out.add(
              new IndexedChunk(
                  rs.getObject(1, UUID.class),
                  rs.getObject(2, UUID.class),
                  rs.getInt(3),
                  rs.getString(4),
                  new Chunk(
                      rs.getInt(5),
                      rs.getString(6),
                      rs.getString(7),
                      rs.getInt(8),
                      rs.getInt(9),
                      rs.getString(10)),
                  rs.getTimestamp(11).toInstant().toEpochMilli(),
                  readers,
                  vec));
        }
      }
    }
    return out;
  }

  /**
   * Ids of a knowledge base's live chunks as PostgreSQL has them, and the latest change they
   * reflect: one statement, so one snapshot (element 0 of the answer is that change).
   */
  Object[] liveChunkIds(Connection c, TenantId t, UUID kb) throws SQLException {
    Set<String> out = new java.util.HashSet<>();
    long latest = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT (SELECT coalesce(max(seq), 0) FROM retrieval_changes WHERE tenant_id = ?), "
                + "ch.document_id, ch.version, ch.seq FROM (SELECT 1) one LEFT JOIN ("
                + "  retrieval_chunks ch JOIN retrieval_documents d ON d.tenant_id = ch.tenant_id "
                + "  AND d.id = ch.document_id AND ch.version = d.live_version "
                + "  AND d.kb_id = ? AND d.deleted_at IS NULL) ON ch.tenant_id = ?")) {
      ps.setObject(1, t.value());
      ps.setObject(2, kb);
      ps.setObject(3, t.value());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          latest = rs.getLong(1);
          if (rs.getObject(2) != null) {
            out.add(rs.getObject(2, UUID.class) + ":" + rs.getInt(3) + ":" + rs.getInt(4));
          }
        }
      }
    }
    return new Object[] {latest, out};
  }

  // ---- groups --------------------------------------------------------------------------

  void putGroup(TenantId t, String name, List<String> members) {
    in(
        t,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO retrieval_groups (tenant_id, name, members) VALUES (?, ?, ?) "
                      + "ON CONFLICT (tenant_id, name) DO UPDATE SET members = excluded.members")) {
            ps.setObject(1, t.value());
            ps.setString(2, name);
            ps.setArray(3, c.createArrayOf("text", members.toArray()));
            ps.executeUpdate();
          }
          return null;
        });
  }

  List<String[]> groups(TenantId t) {
    return in(
        t,
        c -> {
          List<String[]> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT name, array_to_string(members, ',') FROM retrieval_groups WHERE tenant_id = ? ORDER BY name")) {
            ps.setObject(1, t.value());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
              }
            }
          }
          return out;
        });
  }

  // ---- helpers -------------------------------------------------------------------------

  /** Appends one change per document, under the tenant's change lock (held to commit). */
  void logChanges(Connection c, TenantId t, Collection<UUID> documents) throws SQLException {
    if (documents.isEmpty()) {
      return;
    }
    try (PreparedStatement lock =
        c.prepareStatement(
            "SELECT pg_advisory_xact_lock(hashtext('tessera.retrieval'), hashtext(?))")) {
      lock.setString(1, t.value().toString());
      lock.execute();
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO retrieval_changes (tenant_id, seq, document_id) "
                + "SELECT ?, m.base + d.n, d.id FROM unnest(?::uuid[]) WITH ORDINALITY AS d(id, n), "
                + "(SELECT coalesce(max(seq), 0) AS base FROM retrieval_changes WHERE tenant_id = ?) m")) {
      ps.setObject(1, t.value());
      ps.setArray(2, c.createArrayOf("uuid", documents.toArray()));
      ps.setObject(3, t.value());
      ps.executeUpdate();
    }
  }

  private static String wrap(String acl) {
    return acl == null ? null : "{\"acl\":" + acl + "}";
  }

  private static String aclText(Acl acl) {
    JsonObject j = Json.acl(acl);
    return j == null ? null : j.toString();
  }

  private static boolean exists(Connection c, String sql, TenantId t, String p)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, t.value());
      ps.setString(2, p);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }
}

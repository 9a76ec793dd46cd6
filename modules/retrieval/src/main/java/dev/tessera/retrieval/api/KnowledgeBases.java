package dev.tessera.retrieval.api;

import dev.tessera.tenancy.api.TenantId;
import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * Knowledge bases, their documents (versioned, ingested asynchronously) and the groups ACLs name.
 * Bodies and answers are JSON objects in the shapes documented in the README; another tenant's ids
 * are not found (404).
 */
public interface KnowledgeBases {
  JsonObject create(TenantId tenant, JsonObject body);

  JsonObject get(TenantId tenant, UUID kb);

  JsonObject list(TenantId tenant);

  JsonObject update(TenantId tenant, UUID kb, JsonObject body);

  void delete(TenantId tenant, UUID kb);

  /**
   * Stores an upload as a new document (or, with {@code document} set, a new version of it) and
   * queues its ingestion; answers the document with status {@code queued}.
   */
  JsonObject upload(TenantId tenant, UUID kb, UUID document, Upload upload);

  JsonObject document(TenantId tenant, UUID kb, UUID document);

  JsonObject documents(TenantId tenant, UUID kb);

  JsonObject updateDocument(TenantId tenant, UUID kb, UUID document, JsonObject body);

  void deleteDocument(TenantId tenant, UUID kb, UUID document);

  /** The extracted text of the document's live version: what citations' ranges point into. */
  String text(TenantId tenant, UUID kb, UUID document);

  /**
   * Whether this instance's index holds exactly what PostgreSQL says it should (after catch-up).
   */
  JsonObject indexStatus(TenantId tenant, UUID kb);

  /** Drops this instance's index of the tenant and rebuilds it from PostgreSQL. */
  JsonObject reindex(TenantId tenant);

  JsonObject putGroup(TenantId tenant, String name, JsonObject body);

  JsonObject groups(TenantId tenant);
}

package dev.tessera.retrieval.api;

import dev.tessera.routing.api.ChatRequest;
import jakarta.json.JsonObject;

/**
 * Permissioned search and cited answers over a tenant's knowledge bases. Every call sees only the
 * documents the reader may read: the ACL is a filter inside the index query.
 */
public interface Retrieval {
  /** {@code POST /v1/retrieval/search}: hybrid (BM25 + dense, RRF), bm25 or dense. */
  JsonObject search(Reader reader, JsonObject body);

  /**
   * {@code POST /v1/retrieval/answer}: evidence, a cited answer through the gateway, or a refusal.
   */
  JsonObject answer(Reader reader, JsonObject body);

  /**
   * Chat completions with {@code "retrieval": {"knowledge_bases": [...]}}: the request with the
   * evidence for its last user message placed before it as numbered sources, and the sources used.
   */
  Grounded ground(Reader reader, ChatRequest request, JsonObject retrieval);

  /** A chat request with evidence added, and the sources as JSON for the response. */
  record Grounded(ChatRequest request, jakarta.json.JsonArray sources) {}
}

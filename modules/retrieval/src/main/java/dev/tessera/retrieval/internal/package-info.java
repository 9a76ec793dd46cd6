/**
 * Retrieval implementation: chunking, embeddings, per-tenant indexes. Never imported from another
 * module.
 */
package dev.tessera.retrieval.internal;

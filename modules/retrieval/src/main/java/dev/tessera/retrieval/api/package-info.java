/** Public face of retrieval: ingestion and permissioned, cited search over a tenant's documents. */
package dev.tessera.retrieval.api;

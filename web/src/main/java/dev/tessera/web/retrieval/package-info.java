/**
 * {@code /v1/retrieval}: knowledge bases, documents, permissioned search and cited answers. Errors
 * here are RFC 9457 problem+json (not OpenAI's shape: these endpoints are Tessera's own).
 */
package dev.tessera.web.retrieval;

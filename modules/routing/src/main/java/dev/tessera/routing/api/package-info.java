/**
 * Public face of the model gateway: the provider-neutral chat and embedding model (requests,
 * responses, stream chunks), deadlines, and the typed provider failure. Plain records, independent
 * of any provider's wire format and of any JSON library except where free-form JSON Schema must be
 * carried.
 */
package dev.tessera.routing.api;

/**
 * Provider adapters: one class per wire protocol (OpenAI-compatible, Anthropic Messages, Gemini
 * generateContent), a translator per protocol between it and the neutral {@code routing.api} model,
 * and the shared HTTP transport (one pooled HTTP/1.1 client, deadlines, SSE relay, failure
 * classification). Internal to the routing module.
 */
package dev.tessera.routing.internal.adapters;

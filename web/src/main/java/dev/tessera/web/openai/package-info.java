/**
 * The OpenAI-compatible face under /v1: chat completions (plain and streamed), embeddings and
 * models, with OpenAI's request and error shapes so unmodified SDKs work against it.
 */
package dev.tessera.web.openai;

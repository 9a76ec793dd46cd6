/**
 * The built-in offline provider {@code local}: an extractive chat model that answers by citing
 * sentences of the conversation's own context, and in-process MiniLM embeddings. It needs no
 * network and no credentials, so the gateway works (tier T0) before any provider is configured.
 */
package dev.tessera.routing.internal.local;

/**
 * The gateway's request path: resolve the model (explicit, alias, {@code auto}), pick the adapter
 * and endpoint, call within the deadline, and report what served.
 */
package dev.tessera.routing.internal.gateway;

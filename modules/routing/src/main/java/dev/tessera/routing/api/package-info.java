/**
 * Public face of the model gateway: unified chat and embedding requests, the model catalog, and the
 * router's decisions. Implemented by the model-gateway issue.
 */
package dev.tessera.routing.api;

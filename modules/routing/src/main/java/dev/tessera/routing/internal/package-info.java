/**
 * Gateway implementation: router, breakers, caches, provider clients. Never imported from another
 * module.
 */
package dev.tessera.routing.internal;

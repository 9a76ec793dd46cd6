/** The stored model catalog: providers, models, and their credentials encrypted at rest. */
package dev.tessera.routing.internal.catalog;

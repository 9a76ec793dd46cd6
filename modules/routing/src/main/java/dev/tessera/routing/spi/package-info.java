/**
 * Extension point of the model gateway: one {@link dev.tessera.routing.spi.ProviderAdapter} per
 * provider wire protocol, discovered by CDI and chosen by the catalog's configuration. Retries,
 * breakers and fallbacks wrap adapters; adapters themselves make exactly one upstream attempt.
 */
package dev.tessera.routing.spi;

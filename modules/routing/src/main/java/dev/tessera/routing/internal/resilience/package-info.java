/**
 * Failure handling around provider adapters: one deadline per request, jittered retries of
 * retryable failures before any output, a circuit breaker per provider deployment, fallback within
 * the tenant's consent, and health scores from live traffic for the router. Plain Java with no
 * container dependency, so the logic is tested without one; CDI wiring comes with the router.
 */
package dev.tessera.routing.internal.resilience;

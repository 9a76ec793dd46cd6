/**
 * The HTTP side of tracing: the span of each /v1 call (W3C trace context accepted from the caller),
 * with its authentication and admission steps; the gateway names it and adds the rest.
 */
package dev.tessera.web.telemetry;

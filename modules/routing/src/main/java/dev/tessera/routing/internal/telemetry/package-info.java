/**
 * The gateway's metrics and traces: OpenTelemetry GenAI-convention series on /metrics (through
 * MicroProfile Metrics) and spans (through MicroProfile Telemetry), recorded by decorators and an
 * attempt observer so the request path itself carries only a few hooks.
 */
package dev.tessera.routing.internal.telemetry;

/**
 * The WAR's front: JAX-RS applications (/api admin; /v1 OpenAI-compatible arrives with the
 * gateway), authentication, admission, problem+json errors, health and metrics. Talks to the
 * modules only through their api packages.
 */
package dev.tessera.web;

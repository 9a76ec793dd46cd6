/** Typed tools' implementation: the registry and executions in PostgreSQL, gates, runners. */
package dev.tessera.governance.internal.safety.tools;

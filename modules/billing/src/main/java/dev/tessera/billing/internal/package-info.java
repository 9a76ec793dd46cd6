/**
 * Billing implementation: ledger events, projections, reapers. Never imported from another module.
 */
package dev.tessera.billing.internal;

/**
 * Billing's inside: the ledger over the {@code tessera_meta.billing_*} functions, pricing, budgets,
 * usage reports and the background reaper, reconciler and alert delivery.
 */
package dev.tessera.billing.internal;

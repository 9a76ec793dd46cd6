/**
 * Public face of billing: the credit ledger (holds, settlements, movements, balances, events,
 * reconciliation), pricing, budgets and usage reports, all in integer micro-credits.
 */
package dev.tessera.billing.api;

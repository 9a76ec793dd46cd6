/**
 * Public face of billing: reservations, settlements and balances in integer micro-credits. The
 * event-sourced ledger arrives with the credits-ledger issue.
 */
package dev.tessera.billing.api;

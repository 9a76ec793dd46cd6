/**
 * PII recognizers in the manner of Microsoft Presidio: a precompiled pattern finds candidates, a
 * checksum (Luhn, IBAN mod 97, ISO 7064) or libphonenumber validates them, context words nearby
 * raise the score, and overlaps keep the strongest.
 */
package dev.tessera.governance.internal.safety.pii;

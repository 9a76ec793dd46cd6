/** Governance implementation: CDI beans and persistence. Never imported from another module. */
package dev.tessera.governance.internal;

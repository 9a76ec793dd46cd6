/**
 * Tenancy implementation: the database server (embedded or external), migrations, connection pools
 * per database, tenant placement, identity stores, tier moves and rate limiting. Never imported
 * from another module.
 */
package dev.tessera.tenancy.internal;

/**
 * Public face of tenancy: tenants and their tiers, identity (users, API keys), the request's tenant
 * context, tenant-scoped data access and admission (rate limits, concurrency caps). Other modules
 * use only this package.
 */
package dev.tessera.tenancy.api;

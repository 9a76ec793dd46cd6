/** The admin API (/api/v1): tenants, tiers, API keys, users. */
package dev.tessera.web.admin;

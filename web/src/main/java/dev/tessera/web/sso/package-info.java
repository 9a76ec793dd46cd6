/**
 * Keycloak as the tenants' directory: a tenant's group, role groups and first administrator are
 * made when the tenant is created and removed when it is deleted (when TESSERA_KEYCLOAK_* is set).
 */
package dev.tessera.web.sso;

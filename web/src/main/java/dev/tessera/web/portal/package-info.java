/**
 * The tenant-admin portal (Jakarta Faces at {@code /portal}): sign-in (local passwords, the
 * operator token, or Keycloak when configured), session safety (lockout, revocation, fixation) and
 * the page beans, which call the other modules' {@code api} only.
 */
package dev.tessera.web.portal;

package dev.tessera.web.portal;

/**
 * A portal page the signed-in user may not see: 404 for another tenant's (or an unknown) tenant,
 * indistinguishable as the API's, 403 for a page of one's own tenant that one's roles do not cover.
 */
public class PortalDenied extends RuntimeException {
  private final int status;

  PortalDenied(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  static PortalDenied notFound() {
    return new PortalDenied(404, "There is no such page or organization.");
  }

  static PortalDenied forbidden() {
    return new PortalDenied(
        403, "Your roles do not include this page. Ask a tenant administrator if you need it.");
  }
}

package dev.tessera.web.governance;

import dev.tessera.governance.api.Actor;
import dev.tessera.tenancy.api.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.UUID;

/** Who the audit log says did something: the operator or a key, and from which address. */
public final class Actors {
  private Actors() {}

  public static Actor of(Caller caller, HttpServletRequest http) {
    String id =
        caller.isPlatformAdmin()
            ? "operator"
            : "key:" + caller.keyId().map(UUID::toString).orElse("unknown");
    return new Actor(id, http == null ? null : http.getRemoteAddr());
  }
}

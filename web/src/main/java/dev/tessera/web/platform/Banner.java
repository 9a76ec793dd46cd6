package dev.tessera.web.platform;

import dev.tessera.tenancy.api.OperatorToken;
import dev.tessera.tenancy.api.PlatformStatus;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Tells the operator, once started, where Tessera is and how to get in. */
@ApplicationScoped
public class Banner {
  @Inject OperatorToken token;
  @Inject PlatformStatus status;

  @Inject
  @ConfigProperty(name = "tessera.port", defaultValue = "8080")
  int port;

  void onStart(@Observes @Priority(1000) @Initialized(ApplicationScoped.class) Object ignored) {
    StringBuilder b = new StringBuilder("\n");
    if (!status.ready()) {
      b.append("  Tessera started, but the data layer is DOWN: ")
          .append(status.detail())
          .append('\n');
    }
    b.append("  Tessera is running at http://127.0.0.1:").append(port).append("/\n");
    b.append("    admin API : http://127.0.0.1:").append(port).append("/api/v1/tenants\n");
    b.append("    health    : http://127.0.0.1:").append(port).append("/health/ready\n");
    b.append("    OpenAPI   : http://127.0.0.1:").append(port).append("/openapi\n");
    token
        .newlyGenerated()
        .ifPresentOrElse(
            t ->
                b.append("  Operator token (shown once; also stored in ")
                    .append(token.whereStored())
                    .append("):\n    ")
                    .append(t)
                    .append('\n'),
            () -> b.append("  Operator token: see ").append(token.whereStored()).append('\n'));
    b.append("  Log in with: curl -H \"Authorization: Bearer <token>\" http://127.0.0.1:")
        .append(port)
        .append("/api/v1/tenants\n");
    System.out.println(b);
  }
}

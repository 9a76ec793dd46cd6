package dev.tessera.web.platform;

import dev.tessera.tenancy.api.OperatorToken;
import dev.tessera.tenancy.api.PlatformStatus;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Tells the operator, once started, where Tessera is and how to get in. */
@ApplicationScoped
public class Banner {
  private static final Logger LOG = Logger.getLogger(Banner.class.getName());
  @Inject OperatorToken token;
  @Inject PlatformStatus status;

  @Inject
  @ConfigProperty(name = "tessera.port", defaultValue = "8080")
  int port;

  @Inject
  @ConfigProperty(name = "tessera.log.file")
  Optional<String> logFile;

  void onStart(@Observes @Priority(1000) @Initialized(ApplicationScoped.class) Object ignored) {
    StringBuilder b = new StringBuilder("\n");
    if (!status.ready()) {
      b.append("  Tessera started, but the data layer is DOWN: ")
          .append(status.detail())
          .append('\n');
    }
    b.append("  Tessera is running at http://127.0.0.1:").append(port).append("/\n");
    b.append("    portal    : http://127.0.0.1:").append(port).append("/portal/\n");
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
    logFile.ifPresent(f -> b.append("  Full log: ").append(f).append('\n'));
    // straight to the process's standard output: the server routes System.out into its log,
    // whose console side shows only warnings when the launcher starts it (./tessera start)
    PrintStream console =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    console.println(b);
    LOG.info("WEB-0320 started: http://127.0.0.1:" + port + "/");
  }
}

package dev.tessera.web.platform;

import dev.tessera.tenancy.api.PlatformStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** /health/ready is UP only when the database answers and every migration is applied. */
@Readiness
@ApplicationScoped
public class DataReadiness implements HealthCheck {
  @Inject PlatformStatus status;

  @Override
  public HealthCheckResponse call() {
    boolean up = status.ready();
    return HealthCheckResponse.named("database")
        .status(up)
        .withData("detail", up ? "database answers, migrations applied" : status.detail())
        .build();
  }
}

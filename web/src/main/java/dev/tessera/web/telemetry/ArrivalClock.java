package dev.tessera.web.telemetry;

import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Notes when a request arrived, before the container authenticates it, so a traced call's span
 * starts there and its {@code auth} step can be timed without touching the authentication code.
 */
@WebListener
public class ArrivalClock implements ServletRequestListener {
  static final String ARRIVED = ArrivalClock.class.getName() + ".arrived";

  /** Whether tracing is on (OTEL_SDK_DISABLED=false), read once. */
  private static volatile Boolean on;

  @Override
  public void requestInitialized(ServletRequestEvent event) {
    Boolean tracing = on;
    if (tracing == null) {
      tracing =
          on =
              !org.eclipse.microprofile.config.ConfigProvider.getConfig()
                  .getOptionalValue("otel.sdk.disabled", Boolean.class)
                  .orElse(true);
    }
    if (tracing) {
      event.getServletRequest().setAttribute(ARRIVED, System.nanoTime());
    }
  }
}

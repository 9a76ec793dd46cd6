package dev.tessera.web.telemetry;

import dev.tessera.routing.api.TracingSwitch;
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

  @Override
  public void requestInitialized(ServletRequestEvent event) {
    // one volatile read: this runs for every request the container serves
    if (TracingSwitch.recording()) {
      event.getServletRequest().setAttribute(ARRIVED, System.nanoTime());
    }
  }
}

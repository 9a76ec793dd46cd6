package dev.tessera.web.security;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.security.auth.message.config.AuthConfigFactory;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Puts {@link MechanismBridge} in place of Soteria's bridge for this application. Listeners start
 * after the container initializers, so Soteria has registered its module by now and this
 * registration replaces it (Soteria's own listener removes whichever is registered at shutdown).
 * With anything but exactly one mechanism, or without Soteria's classes, Soteria's bridge stays:
 * slower, never wrong.
 */
@WebListener
public class MechanismBridgeInstaller implements ServletContextListener {
  private static final Logger LOG = Logger.getLogger(MechanismBridgeInstaller.class.getName());

  @Override
  public void contextInitialized(ServletContextEvent event) {
    try {
      var mechanisms = CDI.current().select(HttpAuthenticationMechanism.class);
      if (!mechanisms.isResolvable()) {
        LOG.warning(
            "WEB-0004 Soteria's bridge stays in place: not exactly one HttpAuthenticationMechanism");
        return;
      }
      AuthConfigFactory.getFactory()
          .registerServerAuthModule(
              new MechanismBridge(mechanisms.get()), event.getServletContext());
      LOG.info("WEB-0005 the authentication mechanism is called through MechanismBridge");
    } catch (RuntimeException | LinkageError e) {
      LOG.log(Level.WARNING, "WEB-0004 Soteria's bridge stays in place: " + e, e);
    }
  }
}

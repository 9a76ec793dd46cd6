package dev.tessera.web.portal;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.annotation.WebListener;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The session cookie: HttpOnly and SameSite=Lax always (web.xml), Secure whenever the request came
 * over HTTPS (Payara's "dynamic", payara-web.xml), and always when {@code
 * TESSERA_PORTAL_SECURE_COOKIES=true}, for a TLS proxy in front that talks plain HTTP to Tessera.
 */
@WebListener
public class PortalCookies implements ServletContextListener {
  @Override
  public void contextInitialized(ServletContextEvent event) {
    boolean secure =
        ConfigProvider.getConfig()
            .getOptionalValue("tessera.portal.secure-cookies", Boolean.class)
            .orElse(false);
    SessionCookieConfig cookie = event.getServletContext().getSessionCookieConfig();
    cookie.setHttpOnly(true);
    cookie.setAttribute("SameSite", "Lax");
    if (secure) {
      cookie.setSecure(true);
    }
  }
}

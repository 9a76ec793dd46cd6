package dev.tessera.web.portal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Refuses a portal POST that lacks Faces' view state, the per-view random token every portal form
 * carries (server-side state saving): Faces alone would treat such a post as a fresh page view and
 * quietly do nothing; a forged form should hear "no" (403). A view state that is present but not
 * this session's fails in Faces itself ({@link PortalExceptionHandlerFactory}).
 */
@WebFilter("/portal/*")
public class PortalCsrfFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(PortalCsrfFilter.class.getName());
  static final String VIEW_STATE = "jakarta.faces.ViewState";

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if ("POST".equals(request.getMethod()) && isBlank(request.getParameter(VIEW_STATE))) {
      LOG.warning(
          "WEB-0306 portal request without a valid CSRF token refused: a POST without the view state's token");
      response.sendError(
          403,
          "This form did not carry the portal's security token (CSRF protection). Open the page"
              + " from the portal's menu and submit it again.");
      return;
    }
    chain.doFilter(request, response);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}

package dev.tessera.web.portal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The portal's half of the application's one authentication mechanism ({@code BearerAuthentication}
 * hands it every request under {@code /portal}): signs in through {@code
 * SecurityContext.authenticate} with a {@link PortalCredential}, changing the session id on success
 * (no session fixation); afterwards re-establishes the caller from the session on each request
 * while the {@link SessionGuard} says it is current; sends anyone else to the sign-in page.
 */
@ApplicationScoped
public class PortalAuthentication {
  static final String USER = PortalUser.class.getName();
  static final String PROBLEM = PortalAuthentication.class.getName() + ".problem";
  static final String SIGNED_IN = PortalAuthentication.class.getName() + ".signedIn";
  static final String PREFIX = "/portal";
  static final String LOGIN = PREFIX + "/login.xhtml";

  @Inject PasswordSignIn passwords;
  @Inject SessionGuard guard;
  @Inject PortalAudit audit;

  /** True for the requests this mechanism answers. */
  public static boolean handles(HttpServletRequest request) {
    // on every /v1 request too: no allocation
    String uri = request.getRequestURI();
    int at = request.getContextPath().length();
    int end = at + PREFIX.length();
    return uri.startsWith(PREFIX, at) && (uri.length() == end || uri.charAt(end) == '/');
  }

  static String path(HttpServletRequest request) {
    return request.getRequestURI().substring(request.getContextPath().length());
  }

  /** The signed-in user of this request's session, if it is still current. */
  static PortalUser sessionUser(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    return session != null && session.getAttribute(USER) instanceof PortalUser u ? u : null;
  }

  public AuthenticationStatus validateRequest(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    if (context.isAuthenticationRequest()
        && context.getAuthParameters().getCredential() instanceof PortalCredential c) {
      return signIn(request, context, c);
    }
    PortalUser user = sessionUser(request);
    if (user != null) {
      if (guard.isCurrent(user)) {
        return context.notifyContainerAboutLogin(user.principalName(), user.groups());
      }
      request.getSession().invalidate();
    }
    String path = path(request);
    if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
      return context.redirect(request.getContextPath() + PREFIX + "/index.xhtml");
    }
    if (isPublic(path)) {
      return context.doNothing();
    }
    return toLogin(request, response, context);
  }

  private AuthenticationStatus signIn(
      HttpServletRequest request, HttpMessageContext context, PortalCredential c) {
    PasswordSignIn.Outcome outcome = passwords.verify(c);
    if (outcome.user() == null) {
      request.setAttribute(PROBLEM, outcome.problem());
      if (outcome.tenant() != null) {
        audit.signInFailed(outcome.tenant(), c.email(), outcome.reason(), request);
      }
      return context.doNothing();
    }
    establish(request, outcome.user());
    audit.signedIn(outcome.user(), request);
    request.setAttribute(SIGNED_IN, outcome.user());
    return context.notifyContainerAboutLogin(
        outcome.user().principalName(), outcome.user().groups());
  }

  /** Binds the user to a session with a new id: an id planted before sign-in is worthless. */
  static void establish(HttpServletRequest request, PortalUser user) {
    HttpSession session = request.getSession(true);
    request.changeSessionId();
    session = request.getSession(false);
    session.setAttribute(USER, user);
  }

  private static boolean isPublic(String path) {
    return path.equals(LOGIN) || path.startsWith(PREFIX + "/oidc/");
  }

  private static AuthenticationStatus toLogin(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    String login = request.getContextPath() + LOGIN;
    if ("partial/ajax".equals(request.getHeader("Faces-Request"))) {
      // a Faces Ajax request understands only a partial response telling it where to go
      try {
        response.setContentType("text/xml");
        response.setCharacterEncoding("UTF-8");
        response
            .getWriter()
            .write(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><partial-response><redirect url=\""
                    + login
                    + "\"/></partial-response>");
        return AuthenticationStatus.SEND_CONTINUE;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return context.redirect(login);
  }
}

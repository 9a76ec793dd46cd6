package dev.tessera.web.security;

import jakarta.security.auth.message.AuthException;
import jakarta.security.auth.message.AuthStatus;
import jakarta.security.auth.message.MessageInfo;
import jakarta.security.auth.message.MessagePolicy;
import jakarta.security.auth.message.module.ServerAuthModule;
import jakarta.security.enterprise.AuthenticationException;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.CallbackHandler;
import org.glassfish.soteria.mechanisms.HttpMessageContextImpl;
import org.glassfish.soteria.mechanisms.jaspic.Jaspic;

/**
 * The Jakarta Authentication module that runs our {@link HttpAuthenticationMechanism} on every
 * request: Soteria's own bridge ({@code HttpBridgeServerAuthModule}) step for step, with Soteria's
 * message context and status mapping, except that it holds the mechanism instead of looking it up.
 * Soteria's bridge resolves the mechanism through a JNDI lookup of the BeanManager (a new
 * InitialContext and an exception built up front) on validate and again on secure-response: 14% of
 * a gateway request's CPU, measured with async-profiler ({@code bench/profile.sh}).
 *
 * <p>The mechanism is a CDI client proxy of an application-scoped bean, so holding it is what
 * looking it up per request returns anyway; its interceptors still apply.
 */
final class MechanismBridge implements ServerAuthModule {
  private static final Class<?>[] SUPPORTED = {HttpServletRequest.class, HttpServletResponse.class};

  private final HttpAuthenticationMechanism mechanism;
  private CallbackHandler handler;

  MechanismBridge(HttpAuthenticationMechanism mechanism) {
    this.mechanism = mechanism;
  }

  @Override
  @SuppressWarnings("rawtypes") // the Jakarta Authentication signature
  public void initialize(
      MessagePolicy requestPolicy,
      MessagePolicy responsePolicy,
      CallbackHandler handler,
      Map options) {
    this.handler = handler;
  }

  @Override
  public Class<?>[] getSupportedMessageTypes() {
    return SUPPORTED.clone();
  }

  @Override
  public AuthStatus validateRequest(
      MessageInfo messageInfo, Subject clientSubject, Subject serviceSubject) throws AuthException {
    HttpMessageContext context = new HttpMessageContextImpl(handler, messageInfo, clientSubject);
    HttpServletRequest request = context.getRequest();
    Jaspic.setLastAuthenticationStatus(request, AuthenticationStatus.NOT_DONE);
    AuthenticationStatus status;
    try {
      status = mechanism.validateRequest(request, context.getResponse(), context);
    } catch (AuthenticationException e) {
      Jaspic.setLastAuthenticationStatus(request, AuthenticationStatus.SEND_FAILURE);
      throw failure("Authentication failure in HttpAuthenticationMechanism", e);
    }
    Jaspic.setLastAuthenticationStatus(request, status);
    return Jaspic.fromAuthenticationStatus(status);
  }

  @Override
  public AuthStatus secureResponse(MessageInfo messageInfo, Subject serviceSubject)
      throws AuthException {
    HttpMessageContext context = new HttpMessageContextImpl(handler, messageInfo, null);
    try {
      AuthStatus status =
          Jaspic.fromAuthenticationStatus(
              mechanism.secureResponse(context.getRequest(), context.getResponse(), context));
      // Jakarta Authentication wants SEND_SUCCESS where the mechanism says SUCCESS
      return status == AuthStatus.SUCCESS ? AuthStatus.SEND_SUCCESS : status;
    } catch (AuthenticationException e) {
      throw failure("Secure response failure in HttpAuthenticationMechanism", e);
    }
  }

  @Override
  public void cleanSubject(MessageInfo messageInfo, Subject subject) {
    HttpMessageContext context = new HttpMessageContextImpl(handler, messageInfo, subject);
    mechanism.cleanSubject(context.getRequest(), context.getResponse(), context);
  }

  private static AuthException failure(String message, Exception cause) {
    AuthException e = new AuthException(message);
    e.initCause(cause);
    return e;
  }
}

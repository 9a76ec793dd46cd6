package dev.tessera.web.portal;

import jakarta.faces.FacesException;
import jakarta.faces.application.ProtectedViewException;
import jakarta.faces.application.ViewExpiredException;
import jakarta.faces.context.ExceptionHandler;
import jakarta.faces.context.ExceptionHandlerFactory;
import jakarta.faces.context.ExceptionHandlerWrapper;
import jakarta.faces.context.FacesContext;
import jakarta.faces.event.ExceptionQueuedEvent;
import java.io.IOException;
import java.util.Iterator;
import java.util.logging.Logger;

/**
 * Answers the two failures a user can cause with a clear status and what to do, never a stack
 * trace: a form or link without the portal's CSRF token (403) and an expired page (400).
 */
public class PortalExceptionHandlerFactory extends ExceptionHandlerFactory {
  private static final Logger LOG = Logger.getLogger(PortalExceptionHandlerFactory.class.getName());

  public PortalExceptionHandlerFactory(ExceptionHandlerFactory wrapped) {
    super(wrapped);
  }

  @Override
  public ExceptionHandler getExceptionHandler() {
    return new Handler(getWrapped().getExceptionHandler());
  }

  private static final class Handler extends ExceptionHandlerWrapper {
    Handler(ExceptionHandler wrapped) {
      super(wrapped);
    }

    @Override
    public void handle() throws FacesException {
      Iterator<ExceptionQueuedEvent> events = getUnhandledExceptionQueuedEvents().iterator();
      while (events.hasNext()) {
        Throwable t = events.next().getContext().getException();
        while (t != null
            && !(t instanceof ProtectedViewException || t instanceof ViewExpiredException)) {
          t = t.getCause();
        }
        if (t == null) {
          continue;
        }
        events.remove();
        FacesContext fc = FacesContext.getCurrentInstance();
        try {
          if (t instanceof ProtectedViewException) {
            LOG.warning("WEB-0306 portal request without a valid CSRF token refused");
            fc.getExternalContext()
                .responseSendError(
                    403,
                    "This request did not carry the portal's security token (CSRF protection)."
                        + " Open the page from the portal's menu and try again.");
          } else {
            fc.getExternalContext()
                .responseSendError(400, "This page expired. Open it again from the portal's menu.");
          }
        } catch (IOException e) {
          throw new FacesException(e);
        }
        fc.responseComplete();
      }
      getWrapped().handle();
    }
  }
}

package dev.tessera.web.platform;

import dev.tessera.tenancy.api.Admission;
import dev.tessera.web.security.RequestCaller;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Admits every request made with a tenant key against its tenant's and key's limits before any work
 * is done; over a limit the request ends here with 429. Admitted responses carry the x-ratelimit-*
 * headers, and the concurrency slot is given back when the response leaves.
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class AdmissionFilter implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String TICKET = AdmissionFilter.class.getName() + ".ticket";

  @Inject RequestCaller caller;
  @Inject Admission admission;

  @Override
  public void filter(ContainerRequestContext request) {
    caller.keyPrincipal().ifPresent(p -> request.setProperty(TICKET, admission.admit(p, 0)));
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(TICKET) instanceof Admission.Ticket ticket) {
      RateLimitHeaders.apply(response.getHeaders(), ticket.state());
      ticket.close();
    }
  }
}

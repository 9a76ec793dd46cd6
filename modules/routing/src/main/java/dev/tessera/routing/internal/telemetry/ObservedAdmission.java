package dev.tessera.routing.internal.telemetry;

import dev.tessera.tenancy.api.Admission;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.RateLimitState;
import dev.tessera.tenancy.api.RateLimitedException;
import jakarta.annotation.Priority;
import jakarta.decorator.Decorator;
import jakarta.decorator.Delegate;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * Rate-limit rejections per tenant (label bounded) and by what was over: the request itself ({@code
 * request}: requests per minute or concurrency) or its tokens ({@code tokens}).
 */
@Decorator
@Priority(Interceptor.Priority.APPLICATION)
public abstract class ObservedAdmission implements Admission {
  @Inject @Delegate @Any Admission delegate;
  @Inject GenAiMetrics metrics;

  @Override
  public Ticket admit(KeyPrincipal principal, long estimatedTokens) {
    try {
      return delegate.admit(principal, estimatedTokens);
    } catch (RateLimitedException e) {
      rejected(principal, "tessera_rate_limit_rejections_request");
      throw e;
    }
  }

  @Override
  public RateLimitState consumeTokens(KeyPrincipal principal, long tokens) {
    try {
      return delegate.consumeTokens(principal, tokens);
    } catch (RateLimitedException e) {
      rejected(principal, "tessera_rate_limit_rejections_tokens");
      throw e;
    }
  }

  private void rejected(KeyPrincipal principal, String name) {
    if (metrics.enabled()) {
      metrics.countForTenant(name, principal.tenant(), 1);
    }
  }
}

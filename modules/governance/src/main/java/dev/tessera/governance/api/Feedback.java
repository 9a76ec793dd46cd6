package dev.tessera.governance.api;

import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.UUID;

/** Feedback on answers, tied to their decision (a request id of another tenant is unknown). */
public interface Feedback {
  FeedbackView submit(TenantId tenant, UUID keyId, NewFeedback feedback);

  List<FeedbackSummary> summary(TenantId tenant);
}

package dev.tessera.governance.internal;

import dev.tessera.governance.internal.PromptRows.PromptRow;
import dev.tessera.tenancy.api.ConflictException;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Refuses to move {@code production} to a version whose golden evals pass less often than the
 * current production version's (or than the tenant's minimum), or that has not been evaluated while
 * the prompt has golden cases, unless the approver gives a reason to override (which the audit log
 * records with the move).
 */
@ApplicationScoped
public class EvalGate {
  static final String GATED_LABEL = "production";

  void check(
      Connection c,
      PromptRow prompt,
      String label,
      Integer current,
      int candidate,
      String overrideReason)
      throws SQLException {
    if (!GATED_LABEL.equals(label)
        || overrideReason != null
        || !DefaultEvals.hasCases(c, prompt.id())) {
      return;
    }
    Integer rate = DefaultEvals.passRate(c, prompt.id(), candidate);
    if (rate == null) {
      throw new ConflictException(
          "Version "
              + candidate
              + " has no finished eval run: run its golden evals first, or approve with a reason"
              + " to override.");
    }
    Integer minimum = DefaultDecisionLog.readSettings(c).minEvalPassRate();
    if (minimum != null && rate < minimum) {
      throw new ConflictException(
          "Version "
              + candidate
              + " passes "
              + rate
              + "% of its golden evals, below the tenant's minimum of "
              + minimum
              + "%; approve with a reason to override.");
    }
    Integer currentRate = current == null ? null : DefaultEvals.passRate(c, prompt.id(), current);
    if (currentRate != null && rate < currentRate) {
      throw new ConflictException(
          "Version "
              + candidate
              + " passes "
              + rate
              + "% of its golden evals, the current production version "
              + current
              + " passes "
              + currentRate
              + "%: a regression; approve with a reason to override.");
    }
  }
}

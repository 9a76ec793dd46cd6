package dev.tessera.governance.internal;

import dev.tessera.governance.api.DecisionView;
import dev.tessera.governance.api.Feedback;
import dev.tessera.governance.api.FeedbackSummary;
import dev.tessera.governance.api.FeedbackView;
import dev.tessera.governance.api.NewFeedback;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Feedback rows next to the decision log; the decision names the prompt version and model. */
@ApplicationScoped
public class DefaultFeedback implements Feedback {
  @Inject TenantData data;
  @Inject DefaultDecisionLog decisions;

  @Override
  public FeedbackView submit(TenantId tenant, UUID keyId, NewFeedback f) {
    if (f.requestId() == null || f.requestId().isBlank()) {
      throw InvalidInputException.field("request_id", "is required");
    }
    if (f.thumb() ? Math.abs(f.score()) != 1 : f.score() < 1 || f.score() > 5) {
      throw InvalidInputException.field("score", "is \"up\", \"down\" or a rating from 1 to 5");
    }
    if (f.comment() != null && f.comment().length() > 4000) {
      throw InvalidInputException.field("comment", "at most 4000 characters");
    }
    List<String> tags = f.tags() == null ? List.of() : f.tags();
    if (tags.size() > 20
        || tags.stream().anyMatch(t -> t == null || t.isBlank() || t.length() > 50)) {
      throw InvalidInputException.field("tags", "at most 20 tags of 1-50 characters");
    }
    Optional<DecisionView> decision = decisions.get(tenant, f.requestId());
    if (decision.isEmpty()) {
      decisions.flush(); // the answer may still be queued for the log
      decision = decisions.get(tenant, f.requestId());
    }
    DecisionView d = decision.orElseThrow(() -> new NotFoundException("request", f.requestId()));
    int stored = f.score(); // is_thumb tells the two scales apart
    UUID id = UUID.randomUUID();
    return data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.feedback (tenant_id, id, request_id, score, comment, tags,"
                      + " api_key_id, prompt_name, prompt_version, model_served, is_thumb) VALUES"
                      + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?, ?,"
                      + " ?, ?, ?, ?, ?, ?) RETURNING created_at")) {
            ps.setObject(1, id);
            ps.setString(2, f.requestId());
            ps.setInt(3, stored);
            ps.setString(4, f.comment());
            ps.setArray(5, c.createArrayOf("text", tags.toArray()));
            ps.setObject(6, keyId);
            ps.setString(7, d.promptName());
            if (d.promptVersion() == null) {
              ps.setNull(8, java.sql.Types.INTEGER);
            } else {
              ps.setInt(8, d.promptVersion());
            }
            ps.setString(9, d.modelServed());
            ps.setBoolean(10, f.thumb());
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              return new FeedbackView(
                  id,
                  f.requestId(),
                  f.thumb() ? null : f.score(),
                  f.thumb() ? (f.score() > 0 ? "up" : "down") : null,
                  f.comment(),
                  tags,
                  d.promptName(),
                  d.promptVersion(),
                  d.modelServed(),
                  rs.getTimestamp(1).toInstant());
            }
          }
        });
  }

  @Override
  public List<FeedbackSummary> summary(TenantId tenant) {
    return data.readOnly(
        tenant,
        c -> {
          List<FeedbackSummary> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT prompt_name, prompt_version, model_served, count(*),"
                          + " count(*) FILTER (WHERE is_thumb AND score > 0),"
                          + " count(*) FILTER (WHERE is_thumb AND score < 0),"
                          + " avg(score) FILTER (WHERE NOT is_thumb)"
                          + " FROM public.feedback GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              java.math.BigDecimal avg = rs.getBigDecimal(7);
              out.add(
                  new FeedbackSummary(
                      rs.getString(1),
                      (Integer) rs.getObject(2),
                      rs.getString(3),
                      rs.getLong(4),
                      rs.getLong(5),
                      rs.getLong(6),
                      avg == null ? null : avg.doubleValue()));
            }
          }
          return out;
        });
  }
}

package dev.tessera.governance.internal;

import dev.tessera.governance.api.Actor;
import dev.tessera.governance.api.AppliedPrompt;
import dev.tessera.governance.api.AuditEvent;
import dev.tessera.governance.api.EvalCase;
import dev.tessera.governance.api.EvalExpectations;
import dev.tessera.governance.api.EvalModel;
import dev.tessera.governance.api.EvalRun;
import dev.tessera.governance.api.Evals;
import dev.tessera.governance.internal.PromptRows.PromptRow;
import dev.tessera.tenancy.api.ComputeLanes;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.TenantData;
import dev.tessera.tenancy.api.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Golden evals: a run renders the version for each case, asks the model through {@link EvalModel}
 * (the gateway, billed), checks the answer and stores the result, one case at a time on this
 * instance's batch lane, updating its progress as it goes.
 */
@ApplicationScoped
public class DefaultEvals implements Evals {
  private static final Logger LOG = Logger.getLogger(DefaultEvals.class.getName());
  static final int MAX_CASES = 500;

  @Inject TenantData data;
  @Inject DefaultAuditLog audit;
  @Inject PromptResolver resolver;
  @Inject ComputeLanes lanes;
  @Inject Instance<EvalModel> models;

  @Override
  public EvalCase addCase(
      TenantId tenant,
      Actor actor,
      String prompt,
      String name,
      String variablesJson,
      EvalExpectations e) {
    JsonValue vars =
        variablesJson == null
            ? JsonValue.EMPTY_JSON_OBJECT
            : PromptTemplates.parse("variables", variablesJson);
    if (!(vars instanceof JsonObject)) {
      throw InvalidInputException.field("variables", "must be an object");
    }
    if (e == null) {
      throw InvalidInputException.field("expect", "is required");
    }
    if (e.jsonSchema() != null) {
      try {
        com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012)
            .getSchema(e.jsonSchema());
      } catch (RuntimeException bad) {
        throw InvalidInputException.field("expect.jsonSchema", "is not a JSON Schema");
      }
    }
    if (e.maxTokens() != null && e.maxTokens() < 1) {
      throw InvalidInputException.field("expect.maxTokens", "must be positive");
    }
    String expect = Json.of(e);
    UUID id = UUID.randomUUID();
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, prompt, true);
          if (cases(c, row).size() >= MAX_CASES) {
            throw new ConflictException("A prompt has at most " + MAX_CASES + " golden cases.");
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.eval_cases (tenant_id, id, prompt_id, name, variables,"
                      + " expect, created_by) VALUES"
                      + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?,"
                      + " ?::jsonb, ?::jsonb, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, row.id());
            ps.setString(3, name);
            ps.setString(4, vars.toString());
            ps.setString(5, expect);
            ps.setString(6, actor.id());
            ps.executeUpdate();
          }
          EvalCase added = new EvalCase(id, name, vars.toString(), e);
          audit.record(
              c,
              actor,
              new AuditEvent(
                  "prompt.eval-case.create", "prompt", prompt, null, Json.of(added), null));
          return added;
        });
  }

  @Override
  public List<EvalCase> cases(TenantId tenant, String prompt) {
    return data.inTenant(tenant, c -> cases(c, PromptRows.prompt(c, prompt, false)));
  }

  private static List<EvalCase> cases(Connection c, PromptRow row) throws SQLException {
    List<EvalCase> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, name, variables::text, expect::text FROM public.eval_cases"
                + " WHERE prompt_id = ? ORDER BY created_at, id")) {
      ps.setObject(1, row.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new EvalCase(
                  rs.getObject(1, UUID.class),
                  rs.getString(2),
                  rs.getString(3),
                  expect(rs.getString(4))));
        }
      }
    }
    return out;
  }

  static EvalExpectations expect(String json) {
    JsonObject o = (JsonObject) PromptTemplates.parse("expect", json);
    return new EvalExpectations(
        strings(o.get("contains")),
        strings(o.get("excludes")),
        o.get("jsonSchema") instanceof JsonString s ? s.getString() : null,
        o.get("citesEvidence") == JsonValue.TRUE
            ? Boolean.TRUE
            : o.get("citesEvidence") == JsonValue.FALSE ? Boolean.FALSE : null,
        o.get("refusal") == JsonValue.TRUE
            ? Boolean.TRUE
            : o.get("refusal") == JsonValue.FALSE ? Boolean.FALSE : null,
        o.get("maxTokens") instanceof jakarta.json.JsonNumber n ? n.intValue() : null);
  }

  private static List<String> strings(JsonValue v) {
    if (!(v instanceof JsonArray a)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    a.forEach(x -> out.add(((JsonString) x).getString()));
    return out;
  }

  @Override
  public EvalRun start(TenantId tenant, Actor actor, UUID keyId, String prompt, int version) {
    if (!models.isResolvable()) {
      throw new IllegalStateException("GOV-0050 no model to run evals against");
    }
    UUID runId = UUID.randomUUID();
    List<EvalCase> cases =
        data.inTenant(
            tenant,
            c -> {
              PromptRow row = PromptRows.prompt(c, prompt, false);
              PromptRows.version(c, row, version);
              List<EvalCase> all = cases(c, row);
              if (all.isEmpty()) {
                throw new ConflictException(
                    "Prompt '" + prompt + "' has no golden cases; add some first.");
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO public.eval_runs (tenant_id, id, prompt_id, version, status,"
                          + " total, started_by) VALUES"
                          + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?,"
                          + " 'RUNNING', ?, ?)")) {
                ps.setObject(1, runId);
                ps.setObject(2, row.id());
                ps.setInt(3, version);
                ps.setInt(4, all.size());
                ps.setString(5, actor.id());
                ps.executeUpdate();
              }
              audit.record(
                  c,
                  actor,
                  new AuditEvent(
                      "prompt.eval.start", "prompt", prompt, null, null, prompt + "@" + version));
              return all;
            });
    try {
      lanes.batchExecutor().execute(() -> execute(tenant, keyId, prompt, version, runId, cases));
    } catch (RejectedExecutionException busy) {
      finish(tenant, runId, "FAILED");
      throw new dev.tessera.tenancy.api.UnavailableException(
          "The batch lane is full; start the eval again in a minute.", 60);
    }
    return run(tenant, prompt, runId);
  }

  private void execute(
      TenantId tenant, UUID keyId, String prompt, int version, UUID runId, List<EvalCase> cases) {
    EvalModel model = models.get();
    try {
      int i = 0;
      for (EvalCase k : cases) {
        i++;
        String output = null;
        List<String> failures;
        int tokens = 0;
        try {
          JsonObject ref =
              PromptTemplates.JSON
                  .createObjectBuilder()
                  .add(
                      "prompt",
                      PromptTemplates.JSON
                          .createObjectBuilder()
                          .add("name", prompt)
                          .add("version", version)
                          .add("variables", PromptTemplates.parse("variables", k.variablesJson())))
                  .build();
          String requestId = "req_eval" + runId.toString().replace("-", "").substring(0, 20) + i;
          AppliedPrompt applied = resolver.apply(tenant, ref, requestId);
          JsonObject body = applied.body();
          if (!body.containsKey("model")) {
            body = PromptTemplates.JSON.createObjectBuilder(body).add("model", "auto").build();
          }
          EvalModel.Answer answer = model.answer(tenant, keyId, requestId, body);
          output = answer.text();
          tokens = answer.completionTokens();
          failures = EvalChecks.failures(k.expect(), output, tokens);
        } catch (RuntimeException e) {
          failures = List.of("the call failed: " + e.getMessage());
        }
        record(tenant, runId, k.id(), failures, output, tokens);
      }
      finish(tenant, runId, "DONE");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "GOV-0051 eval run " + runId + " failed", e);
      finish(tenant, runId, "FAILED");
    }
  }

  private void record(
      TenantId tenant, UUID runId, UUID caseId, List<String> failures, String output, int tokens) {
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO public.eval_results (tenant_id, run_id, case_id, passed, failures,"
                      + " output, tokens_out) VALUES"
                      + " (NULLIF(current_setting('app.tenant_id', true), '')::uuid, ?, ?, ?, ?,"
                      + " ?, ?)")) {
            ps.setObject(1, runId);
            ps.setObject(2, caseId);
            ps.setBoolean(3, failures.isEmpty());
            ps.setArray(4, c.createArrayOf("text", failures.toArray()));
            ps.setString(5, output);
            ps.setInt(6, tokens);
            ps.executeUpdate();
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.eval_runs SET done = done + 1,"
                      + " passed = passed + ? WHERE id = ?")) {
            ps.setInt(1, failures.isEmpty() ? 1 : 0);
            ps.setObject(2, runId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  private void finish(TenantId tenant, UUID runId, String status) {
    data.inTenant(
        tenant,
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE public.eval_runs SET status = ?, finished_at = clock_timestamp()"
                      + " WHERE id = ?")) {
            ps.setString(1, status);
            ps.setObject(2, runId);
            ps.executeUpdate();
          }
          return null;
        });
  }

  private static final String RUNS =
      "SELECT r.id, p.name, r.version, r.status, r.total, r.done, r.passed, r.started_at,"
          + " r.finished_at FROM public.eval_runs r JOIN public.prompts p"
          + " ON p.tenant_id = r.tenant_id AND p.id = r.prompt_id";

  @Override
  public EvalRun run(TenantId tenant, String prompt, UUID runId) {
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, prompt, false);
          EvalRun head;
          try (PreparedStatement ps =
              c.prepareStatement(RUNS + " WHERE r.id = ? AND r.prompt_id = ?")) {
            ps.setObject(1, runId);
            ps.setObject(2, row.id());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NotFoundException("eval run", runId);
              }
              head = runRow(rs, null);
            }
          }
          List<EvalRun.Result> results = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT case_id, passed, failures, output FROM public.eval_results"
                      + " WHERE run_id = ? ORDER BY case_id")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Array f = rs.getArray(3);
                results.add(
                    new EvalRun.Result(
                        rs.getObject(1, UUID.class),
                        rs.getBoolean(2),
                        Arrays.asList((String[]) f.getArray()),
                        rs.getString(4)));
              }
            }
          }
          return new EvalRun(
              head.id(),
              head.prompt(),
              head.version(),
              head.status(),
              head.total(),
              head.done(),
              head.passed(),
              head.passRate(),
              head.startedAt(),
              head.finishedAt(),
              results);
        });
  }

  @Override
  public List<EvalRun> runs(TenantId tenant, String prompt) {
    return data.inTenant(
        tenant,
        c -> {
          PromptRow row = PromptRows.prompt(c, prompt, false);
          List<EvalRun> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  RUNS + " WHERE r.prompt_id = ? ORDER BY r.started_at DESC LIMIT 100")) {
            ps.setObject(1, row.id());
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(runRow(rs, null));
              }
            }
          }
          return out;
        });
  }

  private static EvalRun runRow(ResultSet rs, List<EvalRun.Result> results) throws SQLException {
    int total = rs.getInt(5);
    int done = rs.getInt(6);
    int passed = rs.getInt(7);
    String status = rs.getString(4);
    Timestamp finished = rs.getTimestamp(9);
    return new EvalRun(
        rs.getObject(1, UUID.class),
        rs.getString(2),
        rs.getInt(3),
        status,
        total,
        done,
        passed,
        status.equals("DONE") && total > 0 ? passed * 100 / total : null,
        rs.getTimestamp(8).toInstant(),
        finished == null ? null : finished.toInstant(),
        results);
  }

  /** The pass rate (percent) of the newest finished run of a version, if any. */
  static Integer passRate(Connection c, UUID promptId, int version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT passed * 100 / total FROM public.eval_runs WHERE prompt_id = ? AND version = ?"
                + " AND status = 'DONE' AND total > 0 ORDER BY finished_at DESC LIMIT 1")) {
      ps.setObject(1, promptId);
      ps.setInt(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : null;
      }
    }
  }

  static boolean hasCases(Connection c, UUID promptId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT 1 FROM public.eval_cases WHERE prompt_id = ? LIMIT 1")) {
      ps.setObject(1, promptId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}

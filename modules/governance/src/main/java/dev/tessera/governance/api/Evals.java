package dev.tessera.governance.api;

import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.UUID;

/** Golden evals of prompts: cases, runs on the batch lane, results. */
public interface Evals {
  EvalCase addCase(
      TenantId tenant,
      Actor actor,
      String prompt,
      String name,
      String variablesJson,
      EvalExpectations expect);

  List<EvalCase> cases(TenantId tenant, String prompt);

  /** Starts a run of {@code version} in the background; poll {@link #run} for progress. */
  EvalRun start(TenantId tenant, Actor actor, UUID keyId, String prompt, int version);

  EvalRun run(TenantId tenant, String prompt, UUID runId);

  List<EvalRun> runs(TenantId tenant, String prompt);
}

package dev.tessera.governance.api.safety.tools;

import dev.tessera.tenancy.api.TenantId;
import java.util.List;
import java.util.UUID;

/** A tenant's typed tools: registry, gated execution, maker-checker approvals, undo. */
public interface Tools {
  /** Registers a tool (400 naming the field when invalid, 409 when the name is taken). */
  ToolView register(TenantId tenant, NewTool tool);

  List<ToolView> list(TenantId tenant);

  /**
   * Runs {@code tool} with {@code argumentsJson} (400 listing schema violations) after its gates.
   * {@code dryRun}: only says what it would do. A sensitive tool runs only with an {@code
   * approvalId} approved by someone else for these same arguments (403 otherwise). The same {@code
   * idempotencyKey} (optional) returns the first execution instead of running again.
   */
  ToolExecution execute(
      ToolCaller caller,
      String tool,
      String argumentsJson,
      String idempotencyKey,
      boolean dryRun,
      UUID approvalId);

  /** The maker's request to run a sensitive tool with these arguments, pending a checker. */
  ToolExecution requestApproval(ToolCaller maker, String tool, String argumentsJson);

  /** The checker's approval: someone other than the maker, with the tenant admin role. */
  ToolExecution approve(ToolCaller checker, UUID executionId);

  /** Undoes an execution within its tool's undo window, restoring the previous state. */
  ToolExecution undo(ToolCaller caller, UUID executionId);

  ToolExecution get(TenantId tenant, UUID executionId);

  /**
   * Schema violations of a model-proposed call of {@code tool}; empty when the arguments are valid
   * or when the tenant has no tool of that name (not ours to judge).
   */
  List<String> validate(TenantId tenant, String tool, String argumentsJson);
}

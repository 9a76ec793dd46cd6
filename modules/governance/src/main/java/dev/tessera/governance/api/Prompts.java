package dev.tessera.governance.api;

import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.TenantId;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * The prompt registry: prompts with immutable versions, labels that move (protected ones only with
 * a second person's approval), rollback, diffs, traffic splits, and resolving a {@code "prompt"}
 * reference of a model call. Every change is recorded in the audit log in its own transaction.
 */
public interface Prompts {
  PromptView create(TenantId tenant, Actor author, NewPrompt prompt);

  PromptVersionView addVersion(TenantId tenant, Actor author, String name, NewPromptVersion v);

  PromptView get(TenantId tenant, String name);

  Page<PromptView> list(TenantId tenant, PageRequest page);

  PromptVersionView version(TenantId tenant, String name, int version);

  List<PromptVersionView> versions(TenantId tenant, String name);

  /** A unified diff of two versions' template and config. */
  String diff(TenantId tenant, String name, int from, int to);

  /** Moves a label now, or opens a request when the label is protected. */
  LabelChange moveLabel(TenantId tenant, Actor actor, String name, String label, int version);

  /**
   * Approves a pending move; the approver must differ from the proposer (403). {@code
   * overrideReason} lets an approver promote despite a worse eval pass rate (audited).
   */
  LabelChange approve(TenantId tenant, Actor approver, UUID requestId, String overrideReason);

  LabelRequest reject(TenantId tenant, Actor approver, UUID requestId, String reason);

  List<LabelRequest> requests(TenantId tenant, String name);

  /** Moves a label back to where it pointed before its last move (it was approved there once). */
  LabelChange rollback(TenantId tenant, Actor actor, String name, String label);

  PromptView setTraffic(TenantId tenant, Actor actor, String name, TrafficSplit split);

  /**
   * Renders the {@code "prompt"} of a chat completions body into its messages and config; the body
   * is returned unchanged (served null) when it names no prompt.
   */
  AppliedPrompt apply(TenantId tenant, JsonObject body, String requestId);
}

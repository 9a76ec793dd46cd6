package dev.tessera.web.portal;

import dev.tessera.governance.api.LabelChange;
import dev.tessera.governance.api.LabelRequest;
import dev.tessera.governance.api.PromptVersionView;
import dev.tessera.governance.api.PromptView;
import dev.tessera.governance.api.Prompts;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.TesseraException;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The prompt registry (governance) as the admin API offers it: prompts with their labels, one
 * prompt's versions, the diff of two versions, a label move (a protected label opens a request),
 * approving or rejecting a request (a tenant admin other than its proposer), and rolling a label
 * back. The registry records every change in the audit log itself, with the portal user as actor.
 */
@Named
@ViewScoped
public class PromptsPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject Prompts prompts;

  private List<PromptView> list = List.of();
  private PromptView opened;
  private List<PromptVersionView> versions = List.of();
  private List<LabelRequest> requests = List.of();
  private Integer diffFrom;
  private Integer diffTo;
  private String diff;
  private String moveLabel = "production";
  private Integer moveVersion;
  private String rollbackLabel;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.PROMPTS_VIEW;
  }

  @Override
  protected void refresh() {
    TenantId t = require(Permissions.PROMPTS_VIEW);
    list = prompts.list(t, PageRequest.of(null, PageRequest.MAX_SIZE)).items();
    if (opened != null) {
      String name = opened.name();
      opened = prompts.get(t, name);
      versions = prompts.versions(t, name);
      requests = prompts.requests(t, name);
    }
  }

  /** Opens one prompt: its versions, labels and label requests. */
  public void open(String name) {
    try {
      TenantId t = require(Permissions.PROMPTS_VIEW);
      opened = prompts.get(t, name);
      versions = prompts.versions(t, name);
      requests = prompts.requests(t, name);
    } catch (PortalDenied d) {
      error(d.getMessage());
      return;
    } catch (TesseraException e) {
      error(e.getMessage());
      return;
    }
    diff = null;
    diffTo = opened.latestVersion();
    diffFrom = Math.max(1, diffTo - 1);
    moveVersion = opened.latestVersion();
  }

  public void showDiff() {
    if (opened == null || diffFrom == null || diffTo == null) {
      error("Choose two versions.");
      return;
    }
    try {
      diff = prompts.diff(require(Permissions.PROMPTS_VIEW), opened.name(), diffFrom, diffTo);
    } catch (PortalDenied d) {
      error(d.getMessage());
    } catch (TesseraException e) {
      error(e.getMessage());
    }
  }

  /** Moves a label, or opens a request for a second person when the label is protected. */
  public void move() {
    if (opened == null || moveVersion == null) {
      error("Choose a version.");
      return;
    }
    LabelChange[] change = new LabelChange[1];
    if (attemptSelfAudited(
        "prompt label move",
        () ->
            change[0] =
                prompts.moveLabel(
                    require(Permissions.PROMPTS_AUTHOR),
                    auditActor(),
                    opened.name(),
                    AuditPage.blankToNull(moveLabel),
                    moveVersion))) {
      info(
          change[0].moved()
              ? "Label "
                  + change[0].label()
                  + " now points at version "
                  + change[0].toVersion()
                  + "."
              : "Label "
                  + change[0].label()
                  + " is protected: a request to point it at version "
                  + change[0].toVersion()
                  + " waits for another tenant admin's approval.");
      refresh();
    }
  }

  public void approve(String requestId) {
    if (attemptSelfAudited(
        "prompt label request approved",
        () -> {
          TenantId t = require(Permissions.PROMPTS_APPROVE);
          prompts.approve(t, auditActor(), requestOf(t, requestId), null);
        })) {
      info("Approved: the label moved.");
      refresh();
    }
  }

  public void reject(String requestId) {
    if (attemptSelfAudited(
        "prompt label request rejected",
        () -> {
          TenantId t = require(Permissions.PROMPTS_APPROVE);
          prompts.reject(t, auditActor(), requestOf(t, requestId), null);
        })) {
      info("Rejected: the label stays where it was.");
      refresh();
    }
  }

  public void rollback() {
    if (opened == null || AuditPage.blankToNull(rollbackLabel) == null) {
      error("Choose a label.");
      return;
    }
    LabelChange[] change = new LabelChange[1];
    if (attemptSelfAudited(
        "prompt label rolled back",
        () ->
            change[0] =
                prompts.rollback(
                    require(Permissions.PROMPTS_AUTHOR),
                    auditActor(),
                    opened.name(),
                    rollbackLabel.strip()))) {
      info("Label " + change[0].label() + " is back at version " + change[0].toVersion() + ".");
      refresh();
    }
  }

  /** A request of the open prompt (as the admin API checks), else not found. */
  private UUID requestOf(TenantId t, String requestId) {
    UUID id;
    try {
      id = UUID.fromString(requestId);
    } catch (IllegalArgumentException e) {
      throw PortalDenied.notFound();
    }
    if (opened == null
        || prompts.requests(t, opened.name()).stream().noneMatch(r -> r.id().equals(id))) {
      throw PortalDenied.notFound();
    }
    return id;
  }

  public boolean isAuthor() {
    return can(Permissions.PROMPTS_AUTHOR);
  }

  public boolean isApprover() {
    return can(Permissions.PROMPTS_APPROVE);
  }

  /** A label and the version it points at. */
  public record LabelAt(String label, int version) {}

  /** The open prompt's labels, in a stable order. */
  public List<LabelAt> getLabels() {
    return opened == null
        ? List.of()
        : opened.labels().entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> new LabelAt(e.getKey(), e.getValue()))
            .toList();
  }

  /** A prompt's labels as one line for the list: "latest v2, production v1". */
  public String labelsOf(PromptView p) {
    return p.labels().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + " v" + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  public List<Integer> getVersionNumbers() {
    return versions.stream().map(PromptVersionView::version).toList();
  }

  public List<PromptView> getList() {
    return list;
  }

  public PromptView getOpened() {
    return opened;
  }

  public List<PromptVersionView> getVersions() {
    return versions;
  }

  public List<LabelRequest> getRequests() {
    return requests;
  }

  public String getDiff() {
    return diff;
  }

  public Integer getDiffFrom() {
    return diffFrom;
  }

  public void setDiffFrom(Integer diffFrom) {
    this.diffFrom = diffFrom;
  }

  public Integer getDiffTo() {
    return diffTo;
  }

  public void setDiffTo(Integer diffTo) {
    this.diffTo = diffTo;
  }

  public String getMoveLabel() {
    return moveLabel;
  }

  public void setMoveLabel(String moveLabel) {
    this.moveLabel = moveLabel;
  }

  public Integer getMoveVersion() {
    return moveVersion;
  }

  public void setMoveVersion(Integer moveVersion) {
    this.moveVersion = moveVersion;
  }

  public String getRollbackLabel() {
    return rollbackLabel;
  }

  public void setRollbackLabel(String rollbackLabel) {
    this.rollbackLabel = rollbackLabel;
  }
}

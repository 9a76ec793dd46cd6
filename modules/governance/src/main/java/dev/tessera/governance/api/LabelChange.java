package dev.tessera.governance.api;

/**
 * What asking to move a label did: moved it at once ({@code moved}, with the versions before and
 * after), or, for a protected label, opened a request that waits for an approver.
 */
public record LabelChange(
    boolean moved, String label, Integer fromVersion, int toVersion, LabelRequest pending) {}

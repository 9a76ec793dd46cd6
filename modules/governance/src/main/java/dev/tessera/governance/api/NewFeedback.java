package dev.tessera.governance.api;

import java.util.List;

/**
 * Feedback on one answer, by the tenant that asked for it: a thumb ({@code "up"}/{@code "down"},
 * stored as 1 and -1) or a rating from 1 to 5 ({@code thumb} false), a comment and tags.
 */
public record NewFeedback(
    String requestId, int score, boolean thumb, String comment, List<String> tags) {}

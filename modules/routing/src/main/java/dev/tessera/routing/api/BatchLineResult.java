package dev.tessera.routing.api;

/**
 * The answer to one batch line: the model's response ({@code statusCode} 200 and the chat
 * completion as JSON text) or an error (its code and message, and the status the same request would
 * have had on {@code /v1/chat/completions}).
 */
public record BatchLineResult(
    int line,
    String customId,
    String requestId,
    boolean succeeded,
    int statusCode,
    String responseBody,
    String errorCode,
    String errorMessage) {}

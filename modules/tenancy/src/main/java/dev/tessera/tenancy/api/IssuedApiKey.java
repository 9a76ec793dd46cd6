package dev.tessera.tenancy.api;

/** A newly created key: the only time the full secret is ever shown. */
public record IssuedApiKey(ApiKeyView view, String key) {}

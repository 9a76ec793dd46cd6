package dev.tessera.retrieval.api;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * One document upload: its bytes and declared type (detected again from the bytes), title, optional
 * external id (a second upload with it is a new version), metadata, the object holding the {@code
 * "acl"} field as sent (field absent: inherit the knowledge base's), when the source last changed
 * ({@code null}: now) and the key uploading it (its calls embed the chunks).
 */
public record Upload(
    byte[] content,
    String mediaType,
    String title,
    String externalId,
    JsonObject metadata,
    JsonObject acl,
    Instant sourceUpdatedAt,
    UUID uploadedBy) {}

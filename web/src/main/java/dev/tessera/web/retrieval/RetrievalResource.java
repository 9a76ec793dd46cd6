package dev.tessera.web.retrieval;

import dev.tessera.retrieval.api.KnowledgeBases;
import dev.tessera.retrieval.api.Reader;
import dev.tessera.retrieval.api.Retrieval;
import dev.tessera.retrieval.api.Upload;
import dev.tessera.tenancy.api.ForbiddenException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.KeyPrincipal;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.UnauthenticatedException;
import dev.tessera.web.openai.RetrievalCalls;
import dev.tessera.web.security.RequestCaller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /v1/retrieval}. Managing knowledge bases, documents and groups takes an {@code admin} key;
 * searching a {@code read} or {@code inference} key, answering an {@code inference} key. Another
 * tenant's ids are 404.
 */
@Path("retrieval")
@ApplicationScoped
public class RetrievalResource {
  private static final Set<String> JSON_UPLOAD =
      Set.of(
          "title",
          "text",
          "content_base64",
          "media_type",
          "external_id",
          "metadata",
          "acl",
          "source_updated_at");

  @Inject RequestCaller caller;
  @Inject KnowledgeBases kbs;
  @Inject Retrieval retrieval;
  @Inject RetrievalCalls calls;

  private KeyPrincipal key(Role... anyOf) {
    caller.requireAuthenticated();
    KeyPrincipal key =
        caller
            .keyPrincipal()
            .orElseThrow(
                () -> new UnauthenticatedException("Retrieval is used with a tenant API key."));
    for (Role r : anyOf) {
      if (key.roles().contains(r)) {
        return key;
      }
    }
    throw new ForbiddenException("This key lacks the scope for this operation.");
  }

  private TenantId admin() {
    return key(Role.TENANT_ADMIN).tenant();
  }

  private static UUID id(String s, String what) {
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      throw new NotFoundException(what, s);
    }
  }

  private static Response json(Object body) {
    return Response.ok(body.toString(), "application/json").build();
  }

  // ---- knowledge bases -----------------------------------------------------------------

  @POST
  @Path("knowledge_bases")
  public Response createKb(String body) {
    TenantId t = admin();
    return Response.status(201)
        .entity(kbs.create(t, RetrievalCalls.parse(body)).toString())
        .type("application/json")
        .build();
  }

  @GET
  @Path("knowledge_bases")
  public Response listKbs() {
    return json(kbs.list(admin()));
  }

  @GET
  @Path("knowledge_bases/{kb}")
  public Response getKb(@PathParam("kb") String kb) {
    TenantId t = admin();
    return json(kbs.get(t, id(kb, "knowledge base")));
  }

  @PATCH
  @Path("knowledge_bases/{kb}")
  public Response updateKb(@PathParam("kb") String kb, String body) {
    TenantId t = admin();
    return json(kbs.update(t, id(kb, "knowledge base"), RetrievalCalls.parse(body)));
  }

  @DELETE
  @Path("knowledge_bases/{kb}")
  public Response deleteKb(@PathParam("kb") String kb) {
    TenantId t = admin();
    kbs.delete(t, id(kb, "knowledge base"));
    return Response.noContent().build();
  }

  @GET
  @Path("knowledge_bases/{kb}/index")
  public Response indexStatus(@PathParam("kb") String kb) {
    TenantId t = admin();
    return json(kbs.indexStatus(t, id(kb, "knowledge base")));
  }

  @POST
  @Path("reindex")
  public Response reindex() {
    return json(kbs.reindex(admin()));
  }

  // ---- documents -----------------------------------------------------------------------

  @POST
  @Path("knowledge_bases/{kb}/documents")
  public Response upload(
      @PathParam("kb") String kb,
      @HeaderParam("Content-Type") String type,
      @QueryParam("title") String title,
      @QueryParam("external_id") String externalId,
      @QueryParam("source_updated_at") String updated,
      byte[] body) {
    KeyPrincipal k = key(Role.TENANT_ADMIN);
    UUID kbId = id(kb, "knowledge base");
    Upload upload = upload(k, type, title, externalId, updated, body);
    return Response.status(202)
        .entity(kbs.upload(k.tenant(), kbId, null, upload).toString())
        .type("application/json")
        .build();
  }

  @PUT
  @Path("knowledge_bases/{kb}/documents/{doc}")
  public Response newVersion(
      @PathParam("kb") String kb,
      @PathParam("doc") String doc,
      @HeaderParam("Content-Type") String type,
      @QueryParam("title") String title,
      @QueryParam("source_updated_at") String updated,
      byte[] body) {
    KeyPrincipal k = key(Role.TENANT_ADMIN);
    UUID kbId = id(kb, "knowledge base");
    UUID docId = id(doc, "document");
    Upload upload = upload(k, type, title, null, updated, body);
    return Response.status(202)
        .entity(kbs.upload(k.tenant(), kbId, docId, upload).toString())
        .type("application/json")
        .build();
  }

  /**
   * A JSON body ({@code text} or {@code content_base64} with the fields of {@link #JSON_UPLOAD}),
   * or the file itself with its Content-Type and the fields as query parameters.
   */
  private static Upload upload(
      KeyPrincipal k, String type, String title, String externalId, String updated, byte[] body) {
    String base = type == null ? "" : type.split(";")[0].strip().toLowerCase(java.util.Locale.ROOT);
    if (base.equals("application/json")) {
      JsonObject json = RetrievalCalls.parse(new String(body, StandardCharsets.UTF_8));
      dev.tessera.web.platform.StrictJson.knownFields(json, JSON_UPLOAD);
      String text = str(json, "text");
      String b64 = str(json, "content_base64");
      if ((text == null) == (b64 == null)) {
        throw InvalidInputException.field("text", "give exactly one of text and content_base64");
      }
      byte[] content;
      try {
        content =
            text != null ? text.getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(b64);
      } catch (IllegalArgumentException e) {
        throw InvalidInputException.field("content_base64", "is not base64");
      }
      String mediaType = str(json, "media_type");
      if (mediaType == null && text != null) {
        mediaType = "text/plain";
      }
      JsonValue meta = json.get("metadata");
      if (meta != null
          && meta.getValueType() != JsonValue.ValueType.OBJECT
          && meta != JsonValue.NULL) {
        throw InvalidInputException.field("metadata", "must be an object");
      }
      return new Upload(
          content,
          mediaType,
          str(json, "title"),
          str(json, "external_id"),
          meta instanceof JsonObject o ? o : null,
          json.containsKey("acl") ? json : null,
          instant(str(json, "source_updated_at")),
          k.keyId());
    }
    return new Upload(body, type, title, externalId, null, null, instant(updated), k.keyId());
  }

  private static String str(JsonObject o, String key) {
    if (!o.containsKey(key) || o.isNull(key)) {
      return null;
    }
    if (o.get(key).getValueType() != JsonValue.ValueType.STRING) {
      throw InvalidInputException.field(key, "must be a string");
    }
    return o.getString(key);
  }

  private static Instant instant(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw InvalidInputException.field(
          "source_updated_at", "must be an ISO-8601 instant like 2026-01-31T12:00:00Z");
    }
  }

  @GET
  @Path("knowledge_bases/{kb}/documents")
  public Response documents(@PathParam("kb") String kb) {
    TenantId t = admin();
    return json(kbs.documents(t, id(kb, "knowledge base")));
  }

  @GET
  @Path("knowledge_bases/{kb}/documents/{doc}")
  public Response document(@PathParam("kb") String kb, @PathParam("doc") String doc) {
    TenantId t = admin();
    return json(kbs.document(t, id(kb, "knowledge base"), id(doc, "document")));
  }

  @GET
  @Path("knowledge_bases/{kb}/documents/{doc}/text")
  public Response text(@PathParam("kb") String kb, @PathParam("doc") String doc) {
    TenantId t = admin();
    return Response.ok(
            kbs.text(t, id(kb, "knowledge base"), id(doc, "document")), "text/plain; charset=utf-8")
        .build();
  }

  @PATCH
  @Path("knowledge_bases/{kb}/documents/{doc}")
  public Response updateDocument(
      @PathParam("kb") String kb, @PathParam("doc") String doc, String body) {
    TenantId t = admin();
    return json(
        kbs.updateDocument(
            t, id(kb, "knowledge base"), id(doc, "document"), RetrievalCalls.parse(body)));
  }

  @DELETE
  @Path("knowledge_bases/{kb}/documents/{doc}")
  public Response deleteDocument(@PathParam("kb") String kb, @PathParam("doc") String doc) {
    TenantId t = admin();
    kbs.deleteDocument(t, id(kb, "knowledge base"), id(doc, "document"));
    return Response.noContent().build();
  }

  // ---- groups --------------------------------------------------------------------------

  @PUT
  @Path("groups/{name}")
  public Response putGroup(@PathParam("name") String name, String body) {
    TenantId t = admin();
    return json(kbs.putGroup(t, name, RetrievalCalls.parse(body)));
  }

  @GET
  @Path("groups")
  public Response groups() {
    return json(kbs.groups(admin()));
  }

  // ---- search and answers --------------------------------------------------------------

  @POST
  @Path("search")
  public Response search(String body) {
    KeyPrincipal k = key(Role.DEVELOPER, Role.VIEWER);
    Reader reader = calls.reader(k);
    return Response.ok(
            retrieval.search(reader, RetrievalCalls.parse(body)).toString(), "application/json")
        .header("x-request-id", reader.call().requestId())
        .build();
  }

  @POST
  @Path("answer")
  public Response answer(String body) {
    KeyPrincipal k = key(Role.DEVELOPER);
    Reader reader = calls.reader(k);
    return Response.ok(
            retrieval.answer(reader, RetrievalCalls.parse(body)).toString(), "application/json")
        .header("x-request-id", reader.call().requestId())
        .build();
  }
}

package dev.tessera.web.portal;

import dev.tessera.retrieval.api.KnowledgeBases;
import dev.tessera.retrieval.api.Upload;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Knowledge bases (retrieval), as {@code /v1/retrieval} offers them to an admin: the list, a new
 * one, an opened one's documents with their ingestion status and progress (the page polls while any
 * is queued or processing), an upload, and a document's ACL (or inherit the knowledge base's).
 */
@Named
@ViewScoped
public class KnowledgeBasesPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  /** The most the page reads of one upload; the module refuses more than its own limit. */
  static final long MAX_UPLOAD = 64L * 1024 * 1024;

  @Inject KnowledgeBases kbs;

  /** A knowledge base as listed. */
  public record Kb(String id, String name, String description, String acl)
      implements Serializable {}

  /** A document as listed: status, progress and ACL as text. */
  public record Doc(
      String id,
      String title,
      int version,
      String status,
      String progress,
      long sizeBytes,
      String acl,
      String error)
      implements Serializable {}

  private List<Kb> list = List.of();
  private String openedId;
  private String openedName;
  private List<Doc> documents = List.of();

  private String newName;
  private transient Part file;
  private String title;

  private String aclDocument;
  private String aclDocumentTitle;
  private boolean aclInherit;
  private String aclUsers;
  private List<String> aclRoles = new ArrayList<>();
  private String aclGroups;
  private String aclKeys;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.KNOWLEDGE;
  }

  @Override
  protected void refresh() {
    TenantId t = require(Permissions.KNOWLEDGE);
    List<Kb> kbList = new ArrayList<>();
    for (JsonValue v : kbs.list(t).getJsonArray("data")) {
      JsonObject o = v.asJsonObject();
      kbList.add(
          new Kb(
              o.getString("id"),
              o.getString("name"),
              o.getString("description", ""),
              aclText(o.get("acl"), "every caller of the organization")));
    }
    list = kbList;
    if (openedId != null) {
      readDocuments(t);
    }
  }

  private void readDocuments(TenantId t) {
    List<Doc> docs = new ArrayList<>();
    for (JsonValue v : kbs.documents(t, UUID.fromString(openedId)).getJsonArray("data")) {
      JsonObject o = v.asJsonObject();
      JsonObject p = o.getJsonObject("progress");
      String progress =
          p == null
              ? ""
              : p.getInt("chunks_done", 0)
                  // chunks_total is null until the document is chunked
                  + (p.get("chunks_total") instanceof JsonNumber n ? " / " + n.intValue() : "")
                  + " chunks";
      JsonObject err = o.get("error") instanceof JsonObject e ? e : null;
      docs.add(
          new Doc(
              o.getString("id"),
              o.getString("title", ""),
              o.getInt("version", 1),
              o.getString("status", ""),
              progress,
              o.getJsonNumber("size_bytes") == null ? 0 : o.getJsonNumber("size_bytes").longValue(),
              aclText(o.get("acl"), "inherits the knowledge base's"),
              err == null ? null : err.getString("code", "") + " " + err.getString("message", "")));
    }
    documents = docs;
  }

  public void open(String kbId) {
    openedId = kbId;
    openedName =
        list.stream().filter(k -> k.id().equals(kbId)).map(Kb::name).findFirst().orElse("");
    aclDocument = null;
    try {
      readDocuments(require(Permissions.KNOWLEDGE));
    } catch (PortalDenied d) {
      error(d.getMessage());
      openedId = null;
    } catch (dev.tessera.tenancy.api.TesseraException | IllegalArgumentException e) {
      error(e.getMessage());
      openedId = null;
    }
  }

  /** The poll while documents are ingested: re-reads their status and progress. */
  public void poll() {
    if (openedId != null) {
      readDocuments(require(Permissions.KNOWLEDGE));
    }
  }

  /** True while a document of the open knowledge base is still being ingested. */
  public boolean isIngesting() {
    return documents.stream()
        .anyMatch(d -> d.status().equals("queued") || d.status().equals("processing"));
  }

  public void create() {
    if (attempt(
        "knowledge_bases.create",
        "knowledge_bases",
        null,
        () ->
            kbs.create(
                    require(Permissions.KNOWLEDGE),
                    Json.createObjectBuilder()
                        .add("name", newName == null ? "" : newName.strip())
                        .build())
                .toString())) {
      info("Knowledge base created.");
      newName = null;
      refresh();
    }
  }

  public void upload() {
    if (openedId == null) {
      error("Open a knowledge base first.");
      return;
    }
    if (file == null || file.getSize() == 0) {
      error("Choose a file to upload.");
      return;
    }
    if (file.getSize() > MAX_UPLOAD) {
      error("The file is larger than " + MAX_UPLOAD / (1024 * 1024) + " MiB.");
      return;
    }
    byte[] content;
    try (InputStream in = file.getInputStream()) {
      content = in.readNBytes((int) MAX_UPLOAD);
    } catch (IOException e) {
      error("The upload could not be read; try again.");
      return;
    }
    String name = AuditPage.blankToNull(title);
    if (name == null) {
      name = file.getSubmittedFileName();
    }
    String type = file.getContentType();
    Upload upload = new Upload(content, type, name, null, null, null, null, null);
    UUID kb = UUID.fromString(openedId);
    if (attempt(
        "documents.create",
        "documents",
        null,
        () -> kbs.upload(require(Permissions.KNOWLEDGE), kb, null, upload).toString())) {
      info("Uploaded: the document is being ingested; its status updates below.");
      file = null;
      title = null;
      readDocuments(require(Permissions.KNOWLEDGE));
    }
  }

  /** Opens the ACL form of one document. */
  public void editAcl(String documentId) {
    aclDocument = null;
    try {
      JsonObject d =
          kbs.document(
              require(Permissions.KNOWLEDGE),
              UUID.fromString(openedId),
              UUID.fromString(documentId));
      aclDocument = documentId;
      aclDocumentTitle = d.getString("title", "");
      JsonValue acl = d.get("acl");
      aclInherit = !(acl instanceof JsonObject);
      JsonObject a = acl instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
      aclUsers = joined(a, "users");
      aclRoles = new ArrayList<>(strings(a, "roles"));
      aclGroups = joined(a, "groups");
      aclKeys = joined(a, "api_keys");
    } catch (PortalDenied d) {
      error(d.getMessage());
    } catch (dev.tessera.tenancy.api.TesseraException | IllegalArgumentException e) {
      error(e.getMessage());
    }
  }

  public void saveAcl() {
    if (aclDocument == null) {
      return;
    }
    JsonObjectBuilder body = Json.createObjectBuilder();
    if (aclInherit) {
      body.addNull("acl");
    } else {
      body.add(
          "acl",
          Json.createObjectBuilder()
              .add("users", array(aclUsers))
              .add("roles", Json.createArrayBuilder(aclRoles))
              .add("groups", array(aclGroups))
              .add("api_keys", array(aclKeys)));
    }
    JsonObject change = body.build();
    UUID kb = UUID.fromString(openedId);
    UUID doc = UUID.fromString(aclDocument);
    if (attempt(
        "documents.update",
        "documents",
        aclDocument,
        () -> kbs.updateDocument(require(Permissions.KNOWLEDGE), kb, doc, change).toString())) {
      info("Access saved: search applies it at once.");
      aclDocument = null;
      readDocuments(require(Permissions.KNOWLEDGE));
    }
  }

  public void cancelAcl() {
    aclDocument = null;
  }

  private static JsonArrayBuilder array(String commaSeparated) {
    JsonArrayBuilder a = Json.createArrayBuilder();
    if (commaSeparated != null) {
      Arrays.stream(commaSeparated.split("[,\\s]+"))
          .filter(s -> !s.isBlank())
          .forEach(s -> a.add(s.strip()));
    }
    return a;
  }

  private static List<String> strings(JsonObject o, String key) {
    return o.get(key) instanceof jakarta.json.JsonArray a
        ? a.getValuesAs(jakarta.json.JsonString.class).stream()
            .map(jakarta.json.JsonString::getString)
            .toList()
        : List.of();
  }

  private static String joined(JsonObject o, String key) {
    return String.join(", ", strings(o, key));
  }

  /** An ACL as one line: "roles: VIEWER; groups: legal", or {@code none} when there is none. */
  static String aclText(JsonValue acl, String none) {
    if (!(acl instanceof JsonObject a)) {
      return none;
    }
    List<String> parts = new ArrayList<>();
    for (String k : List.of("users", "roles", "groups", "api_keys")) {
      List<String> v = strings(a, k);
      if (!v.isEmpty()) {
        parts.add(k.replace('_', ' ') + ": " + String.join(", ", v));
      }
    }
    return parts.isEmpty() ? "nobody but admins" : String.join("; ", parts);
  }

  public List<Role> getAssignableRoles() {
    return List.of(Role.TENANT_ADMIN, Role.DEVELOPER, Role.BILLING, Role.VIEWER);
  }

  public List<Kb> getList() {
    return list;
  }

  public String getOpenedId() {
    return openedId;
  }

  public String getOpenedName() {
    return openedName;
  }

  public List<Doc> getDocuments() {
    return documents;
  }

  public String getNewName() {
    return newName;
  }

  public void setNewName(String newName) {
    this.newName = newName;
  }

  public Part getFile() {
    return file;
  }

  public void setFile(Part file) {
    this.file = file;
  }

  public String getTitle() {
    return title;
  }

  public void setTitle(String title) {
    this.title = title;
  }

  public String getAclDocument() {
    return aclDocument;
  }

  public String getAclDocumentTitle() {
    return aclDocumentTitle;
  }

  public boolean isAclInherit() {
    return aclInherit;
  }

  public void setAclInherit(boolean aclInherit) {
    this.aclInherit = aclInherit;
  }

  public String getAclUsers() {
    return aclUsers;
  }

  public void setAclUsers(String aclUsers) {
    this.aclUsers = aclUsers;
  }

  public List<String> getAclRoles() {
    return aclRoles;
  }

  public void setAclRoles(List<String> aclRoles) {
    this.aclRoles = aclRoles;
  }

  public String getAclGroups() {
    return aclGroups;
  }

  public void setAclGroups(String aclGroups) {
    this.aclGroups = aclGroups;
  }

  public String getAclKeys() {
    return aclKeys;
  }

  public void setAclKeys(String aclKeys) {
    this.aclKeys = aclKeys;
  }
}

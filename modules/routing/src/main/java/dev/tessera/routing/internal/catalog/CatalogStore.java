package dev.tessera.routing.internal.catalog;

import dev.tessera.routing.api.CatalogAdmin;
import dev.tessera.tenancy.api.ConflictException;
import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NotFoundException;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.PlatformData;
import dev.tessera.tenancy.api.SealedRows;
import dev.tessera.tenancy.api.SecretVault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.StringReader;
import java.net.URI;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The catalog tables (platform.providers, platform.models) and the operator's changes to them. */
@ApplicationScoped
public class CatalogStore implements CatalogAdmin {
  /** Looked up once: {@code Json.createX} searches the class path for a provider on every call. */
  private static final JsonProvider JSON = JsonProvider.provider();

  static final Set<String> KINDS = Set.of("openai", "anthropic", "gemini", "local");
  static final Set<String> CAPABILITIES =
      Set.of("tools", "json", "vision", "embeddings", "streaming");

  @Inject PlatformData data;
  @Inject SecretVault vault;

  private volatile long version;

  /** Bumped on every change, so readers can tell their copy is stale. */
  public long version() {
    return version;
  }

  /** A deployable model: the model row joined with its provider, credential decrypted. */
  public record Deployable(
      ModelView model,
      UUID providerId,
      String providerName,
      String providerKind,
      URI baseUrl,
      String apiKey,
      Map<String, String> headers,
      Map<String, String> queryParameters,
      String region) {}

  /** Every enabled model with an enabled provider. */
  public List<Deployable> deployables() {
    return data.inPlatform(
        c -> {
          List<Deployable> out = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT m.*, p.name AS p_name, p.kind AS p_kind, p.base_url, p.credential_ciphertext, "
                          + "p.credential_key_id, p.headers::text AS p_headers, p.query_parameters::text AS p_query, p.region "
                          + "FROM platform.models m JOIN platform.providers p ON p.id = m.provider_id "
                          + "WHERE m.enabled AND p.enabled");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              byte[] ct = rs.getBytes("credential_ciphertext");
              String key =
                  ct == null
                      ? null
                      : vault.open(
                          new SecretVault.Sealed(rs.getString("credential_key_id"), ct),
                          SecretVault.providerBinding((UUID) rs.getObject("provider_id")));
              out.add(
                  new Deployable(
                      model(rs),
                      (UUID) rs.getObject("provider_id"),
                      rs.getString("p_name"),
                      rs.getString("p_kind"),
                      URI.create(rs.getString("base_url")),
                      key,
                      map(rs.getString("p_headers")),
                      map(rs.getString("p_query")),
                      rs.getString("region")));
            }
          }
          return out;
        });
  }

  @Override
  public ProviderView addProvider(NewProvider p) {
    if (p == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    String name = required("name", p.name());
    String kind = required("kind", p.kind());
    if (!KINDS.contains(kind)) {
      throw InvalidInputException.field("kind", "must be one of " + KINDS);
    }
    URI base;
    try {
      base = URI.create(required("baseUrl", p.baseUrl()));
      if (!Set.of("http", "https").contains(String.valueOf(base.getScheme()))
          || base.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw InvalidInputException.field("baseUrl", "must be an http(s) URL");
    }
    UUID id = UUID.randomUUID();
    SecretVault.Sealed sealed =
        p.apiKey() == null || p.apiKey().isBlank()
            ? null
            : vault.seal(p.apiKey(), SecretVault.providerBinding(id));
    try {
      data.inPlatform(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO platform.providers (id, name, kind, base_url, credential_ciphertext, credential_key_id, "
                        + "headers, query_parameters, region) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)")) {
              ps.setObject(1, id);
              ps.setString(2, name);
              ps.setString(3, kind);
              ps.setString(4, base.toString());
              ps.setBytes(5, sealed == null ? null : sealed.ciphertext());
              ps.setString(6, sealed == null ? null : sealed.keyId());
              ps.setString(7, json(p.headers()));
              ps.setString(8, json(p.queryParameters()));
              ps.setString(9, p.region() == null || p.region().isBlank() ? "default" : p.region());
              ps.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      throw conflictOr(e, "A provider named '" + name + "' already exists.");
    }
    version++;
    return provider(id);
  }

  @Override
  public Page<ProviderView> providers(PageRequest page) {
    return data.inPlatform(
        c -> {
          List<ProviderView> rows = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT *, headers::text AS h, query_parameters::text AS q FROM platform.providers "
                      + "ORDER BY created_at, id LIMIT 100")) {
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                rows.add(providerView(rs));
              }
            }
          }
          return new Page<>(rows, null);
        });
  }

  ProviderView provider(UUID id) {
    return data.inPlatform(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT *, headers::text AS h, query_parameters::text AS q FROM platform.providers WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NotFoundException("provider", id);
              }
              return providerView(rs);
            }
          }
        });
  }

  @Override
  public ProviderView setCredential(UUID providerId, String apiKey) {
    SecretVault.Sealed sealed =
        apiKey == null || apiKey.isBlank()
            ? null
            : vault.seal(apiKey, SecretVault.providerBinding(providerId));
    int n =
        data.inPlatform(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "UPDATE platform.providers SET credential_ciphertext = ?, credential_key_id = ?, "
                          + "updated_at = now() WHERE id = ?")) {
                ps.setBytes(1, sealed == null ? null : sealed.ciphertext());
                ps.setString(2, sealed == null ? null : sealed.keyId());
                ps.setObject(3, providerId);
                return ps.executeUpdate();
              }
            });
    if (n == 0) {
      throw new NotFoundException("provider", providerId);
    }
    version++;
    return provider(providerId);
  }

  @Override
  public void removeProvider(UUID providerId) {
    delete("platform.providers", providerId, "provider");
  }

  @Override
  public ModelView addModel(NewModel m) {
    if (m == null) {
      throw InvalidInputException.field("body", "a JSON object is required");
    }
    String name = required("name", m.name());
    if (m.providerId() == null) {
      throw InvalidInputException.field("providerId", "is required");
    }
    provider(m.providerId());
    String kind = m.kind() == null ? "chat" : m.kind();
    if (!Set.of("chat", "embedding").contains(kind)) {
      throw InvalidInputException.field("kind", "must be chat or embedding");
    }
    int tier = m.tier() == null ? 1 : m.tier();
    if (tier < 0 || tier > 3) {
      throw InvalidInputException.field("tier", "must be 0 (T0) to 3 (T3)");
    }
    List<String> caps = m.capabilities() == null ? List.of() : m.capabilities();
    for (String cap : caps) {
      if (!CAPABILITIES.contains(cap)) {
        throw InvalidInputException.field(
            "capabilities", "unknown '" + cap + "'; known: " + CAPABILITIES);
      }
    }
    long in = nonNegative("inputPricePerMillion", m.inputPricePerMillion());
    long out = nonNegative("outputPricePerMillion", m.outputPricePerMillion());
    long cached =
        m.cachedPricePerMillion() == null
            ? in
            : nonNegative("cachedPricePerMillion", m.cachedPricePerMillion());
    int window = m.contextWindow() == null ? 8192 : m.contextWindow();
    int weight = m.weight() == null ? 100 : m.weight();
    if (window < 1 || weight < 1) {
      throw InvalidInputException.field(
          window < 1 ? "contextWindow" : "weight", "must be positive");
    }
    UUID id = UUID.randomUUID();
    try {
      data.inPlatform(
          c -> {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "INSERT INTO platform.models (id, name, provider_id, upstream_name, kind, tier, "
                        + "input_price_per_million, output_price_per_million, cached_price_per_million, "
                        + "context_window, capabilities, weight) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
              ps.setObject(1, id);
              ps.setString(2, name);
              ps.setObject(3, m.providerId());
              ps.setString(
                  4,
                  m.upstreamName() == null || m.upstreamName().isBlank() ? name : m.upstreamName());
              ps.setString(5, kind);
              ps.setInt(6, tier);
              ps.setLong(7, in);
              ps.setLong(8, out);
              ps.setLong(9, cached);
              ps.setInt(10, window);
              ps.setArray(11, c.createArrayOf("text", caps.toArray()));
              ps.setInt(12, weight);
              ps.executeUpdate();
            }
            return null;
          });
    } catch (RuntimeException e) {
      throw conflictOr(e, "This provider already serves a model named '" + name + "'.");
    }
    version++;
    return model(id);
  }

  /** One model row by id (not a scan of a listing, which is capped). */
  private ModelView model(UUID id) {
    return data.inPlatform(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement("SELECT * FROM platform.models WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next()) {
                throw new NotFoundException("model", id);
              }
              return model(rs);
            }
          }
        });
  }

  @Override
  public Page<ModelView> models(PageRequest page) {
    return data.inPlatform(
        c -> {
          List<ModelView> rows = new ArrayList<>();
          try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT * FROM platform.models ORDER BY created_at, id LIMIT 100");
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              rows.add(model(rs));
            }
          }
          return new Page<>(rows, null);
        });
  }

  @Override
  public void removeModel(UUID modelId) {
    delete("platform.models", modelId, "model");
  }

  @Override
  public int reencryptCredentials() {
    int n =
        data.inPlatform(
            c ->
                SealedRows.reseal(
                    c,
                    vault,
                    "SELECT id, credential_ciphertext, credential_key_id FROM platform.providers"
                        + " WHERE credential_ciphertext IS NOT NULL FOR UPDATE",
                    null,
                    "UPDATE platform.providers SET credential_ciphertext = ?, credential_key_id = ?,"
                        + " updated_at = now() WHERE id = ?",
                    id -> SecretVault.providerBinding((UUID) id)));
    version++;
    return n;
  }

  private void delete(String table, UUID id, String what) {
    int n =
        data.inPlatform(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                ps.setObject(1, id);
                return ps.executeUpdate();
              }
            });
    if (n == 0) {
      throw new NotFoundException(what, id);
    }
    version++;
  }

  private static ProviderView providerView(ResultSet rs) throws SQLException {
    return new ProviderView(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getString("kind"),
        rs.getString("base_url"),
        rs.getBytes("credential_ciphertext") != null,
        rs.getString("credential_key_id"),
        map(rs.getString("h")),
        map(rs.getString("q")),
        rs.getString("region"),
        rs.getBoolean("enabled"));
  }

  private static ModelView model(ResultSet rs) throws SQLException {
    Array caps = rs.getArray("capabilities");
    return new ModelView(
        rs.getObject("id", UUID.class),
        rs.getString("name"),
        rs.getObject("provider_id", UUID.class),
        rs.getString("upstream_name"),
        rs.getString("kind"),
        rs.getInt("tier"),
        rs.getLong("input_price_per_million"),
        rs.getLong("output_price_per_million"),
        rs.getLong("cached_price_per_million"),
        rs.getInt("context_window"),
        caps == null ? List.of() : List.of((String[]) caps.getArray()),
        rs.getInt("weight"),
        rs.getBoolean("enabled"));
  }

  private static Map<String, String> map(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json != null) {
      try (var r = JSON.createReader(new StringReader(json))) {
        JsonObject o = r.readObject();
        o.forEach((k, v) -> out.put(k, v instanceof JsonString s ? s.getString() : v.toString()));
      }
    }
    return out;
  }

  private static String json(Map<String, String> m) {
    JsonObjectBuilder b = JSON.createObjectBuilder();
    if (m != null) {
      m.forEach(b::add);
    }
    return b.build().toString();
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw InvalidInputException.field(field, "is required");
    }
    if (value.length() > 500) {
      throw InvalidInputException.field(field, "is too long");
    }
    return value.strip();
  }

  private static long nonNegative(String field, Long value) {
    if (value == null) {
      return 0;
    }
    if (value < 0) {
      throw InvalidInputException.field(field, "must not be negative");
    }
    return value;
  }

  private static RuntimeException conflictOr(RuntimeException e, String message) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
        return new ConflictException(message);
      }
      if (t instanceof ConflictException ce) {
        return ce;
      }
    }
    return e;
  }
}

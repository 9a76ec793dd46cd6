package dev.tessera.web.portal;

import dev.tessera.routing.api.CatalogAdmin;
import dev.tessera.routing.api.ProviderKeys;
import dev.tessera.routing.api.ProviderKeys.ProviderKeyView;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Bring your own provider key (routing), as {@code …/provider-keys} does: the organization's key
 * per provider, shown only by its hint; set, replace, or delete it to go back to the platform's
 * credential. The key typed is never shown again, not even in the form.
 */
@Named
@ViewScoped
public class ProviderKeysPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject ProviderKeys keys;
  @Inject CatalogAdmin catalog;

  private List<ProviderKeyView> list = List.of();

  /** The providers that take a key: id and name only (their addresses are the operator's). */
  private List<Choice> providers = List.of();

  /** A provider as the form offers it. */
  public record Choice(String id, String label) implements Serializable {}

  private String providerId;
  private String apiKey;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.PROVIDER_KEYS_VIEW;
  }

  @Override
  protected void refresh() {
    TenantId t = require(Permissions.PROVIDER_KEYS_VIEW);
    list = keys.list(t);
    providers =
        catalog.providers(PageRequest.of(null, PageRequest.MAX_SIZE)).items().stream()
            .filter(p -> p.enabled() && !"local".equals(p.kind()))
            .map(p -> new Choice(p.id().toString(), p.name() + " (" + p.kind() + ")"))
            .toList();
  }

  /** Sets or replaces the key of the chosen provider. */
  public void save() {
    UUID provider = parse(providerId);
    String typed = apiKey;
    apiKey = null;
    if (provider == null) {
      error("Choose a provider.");
      return;
    }
    ProviderKeyView before = current(provider);
    if (attempt(
        "provider-keys.replace",
        "provider-keys",
        provider.toString(),
        before,
        () -> keys.set(require(Permissions.PROVIDER_KEYS_MANAGE), provider, typed))) {
      info(
          (before == null ? "Key set" : "Key replaced")
              + ": calls to this provider now use your organization's key.");
      refresh();
    }
  }

  public void remove(String id) {
    UUID provider = parse(id);
    ProviderKeyView before = provider == null ? null : current(provider);
    if (before == null) {
      error("There is no key of yours for that provider.");
      return;
    }
    if (attempt(
        "provider-keys.delete",
        "provider-keys",
        provider.toString(),
        before,
        () -> {
          keys.remove(require(Permissions.PROVIDER_KEYS_MANAGE), provider);
          return null;
        })) {
      info("Key deleted: calls to this provider use the platform's credential again.");
      refresh();
    }
  }

  private ProviderKeyView current(UUID provider) {
    return list.stream().filter(k -> k.providerId().equals(provider)).findFirst().orElse(null);
  }

  private static UUID parse(String raw) {
    try {
      return raw == null || raw.isBlank() ? null : UUID.fromString(raw.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public boolean isManage() {
    return can(Permissions.PROVIDER_KEYS_MANAGE);
  }

  public List<ProviderKeyView> getList() {
    return list;
  }

  public List<Choice> getProviders() {
    return providers;
  }

  public String getProviderId() {
    return providerId;
  }

  public void setProviderId(String providerId) {
    this.providerId = providerId;
  }

  /** Always empty: the key typed is never sent back to the browser. */
  public String getApiKey() {
    return null;
  }

  public void setApiKey(String apiKey) {
    this.apiKey = apiKey;
  }
}

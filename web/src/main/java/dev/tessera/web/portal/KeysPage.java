package dev.tessera.web.portal;

import dev.tessera.tenancy.api.ApiKeyScope;
import dev.tessera.tenancy.api.ApiKeyView;
import dev.tessera.tenancy.api.ApiKeys;
import dev.tessera.tenancy.api.IssuedApiKey;
import dev.tessera.tenancy.api.NewApiKey;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** API keys: the list, a new key (its secret shown once, on this page only), revocation. */
@Named
@ViewScoped
public class KeysPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject ApiKeys keys;

  private List<ApiKeyView> list = List.of();
  private String name;
  private List<String> scopes = new ArrayList<>(List.of("inference"));
  private LocalDate expires;
  private String issuedKey;
  private String issuedName;

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.KEYS_VIEW;
  }

  @Override
  protected void refresh() {
    list = keys.list(require(Permissions.KEYS_VIEW), PageRequest.of(null, 100)).items();
  }

  public void create() {
    issuedKey = null;
    boolean ok =
        attempt(
            "api-keys.create",
            "api-keys",
            null,
            () -> {
              TenantId t = require(Permissions.KEYS_MANAGE);
              Set<ApiKeyScope> chosen = EnumSet.noneOf(ApiKeyScope.class);
              scopes.forEach(s -> chosen.add(ApiKeyScope.fromWire(s)));
              IssuedApiKey issued =
                  keys.create(
                      t,
                      new NewApiKey(
                          name,
                          chosen,
                          expires == null
                              ? null
                              : expires.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC)));
              issuedKey = issued.key();
              issuedName = issued.view().name();
              return issued.view();
            });
    if (ok) {
      name = null;
      refresh();
    }
  }

  public void revoke(String keyId) {
    issuedKey = null;
    ApiKeyView before =
        list.stream().filter(k -> k.id().toString().equals(keyId)).findFirst().orElse(null);
    if (attempt(
        "api-keys.delete",
        "api-keys",
        keyId,
        before,
        () -> {
          keys.revoke(require(Permissions.KEYS_MANAGE), UUID.fromString(keyId));
          return null;
        })) {
      info("The key is revoked: every instance refuses it within a second.");
      refresh();
    }
  }

  /** The secret of the key just created; gone once the page is left or another action runs. */
  public String getIssuedKey() {
    return issuedKey;
  }

  public String getIssuedName() {
    return issuedName;
  }

  public boolean isManage() {
    return can(Permissions.KEYS_MANAGE);
  }

  public List<ApiKeyView> getList() {
    return list;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public List<String> getScopes() {
    return scopes;
  }

  public void setScopes(List<String> scopes) {
    this.scopes = scopes;
  }

  public LocalDate getExpires() {
    return expires;
  }

  public void setExpires(LocalDate expires) {
    this.expires = expires;
  }
}

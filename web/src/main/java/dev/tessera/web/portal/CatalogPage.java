package dev.tessera.web.portal;

import dev.tessera.routing.api.CatalogAdmin;
import dev.tessera.tenancy.api.PageRequest;
import jakarta.faces.context.FacesContext;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.List;

/** The operator's model catalog: provider deployments (never their credentials) and models. */
@Named
@ViewScoped
public class CatalogPage implements Serializable {
  private static final long serialVersionUID = 1L;

  @Inject PortalAccess access;
  @Inject CatalogAdmin catalog;

  private List<CatalogAdmin.ProviderView> providers = List.of();
  private List<CatalogAdmin.ModelView> models = List.of();
  private String denied;

  public void load() {
    try {
      access.requireOperator();
      providers = catalog.providers(PageRequest.of(null, 100)).items();
      models = catalog.models(PageRequest.of(null, 100)).items();
    } catch (PortalDenied d) {
      denied = d.getMessage();
      FacesContext.getCurrentInstance().getExternalContext().setResponseStatus(d.status());
    }
  }

  /** Operator pages are about no single tenant. */
  public String getTenantId() {
    return null;
  }

  public Object getTenantView() {
    return null;
  }

  public boolean isDenied() {
    return denied != null;
  }

  public String getDeniedMessage() {
    return denied;
  }

  public List<CatalogAdmin.ProviderView> getProviders() {
    return providers;
  }

  public List<CatalogAdmin.ModelView> getModels() {
    return models;
  }
}

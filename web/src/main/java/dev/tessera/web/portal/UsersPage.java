package dev.tessera.web.portal;

import dev.tessera.tenancy.api.NewUser;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.UserView;
import dev.tessera.tenancy.api.Users;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The tenant's people and their roles; a tenant administrator adds them. */
@Named
@ViewScoped
public class UsersPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject Users users;

  private List<UserView> list = List.of();
  private String email;
  private String displayName;
  private String password;
  private List<String> roles = new ArrayList<>(List.of(Role.VIEWER.name()));

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.USERS;
  }

  @Override
  protected void refresh() {
    list = users.list(require(Permissions.USERS), PageRequest.of(null, 100)).items();
  }

  public void create() {
    Set<Role> chosen = EnumSet.noneOf(Role.class);
    for (String r : roles) {
      Role role = Role.valueOf(r);
      if (role == Role.PLATFORM_ADMIN) {
        error("A tenant's user cannot be a platform operator.");
        return;
      }
      chosen.add(role);
    }
    if (attempt(
        "users.create",
        "users",
        null,
        () ->
            users.create(
                require(Permissions.USERS), new NewUser(email, displayName, password, chosen)))) {
      info("User added. They can sign in with this organization, their email and the password.");
      email = null;
      displayName = null;
      password = null;
      refresh();
    }
  }

  public List<Role> getAssignableRoles() {
    return List.of(Role.TENANT_ADMIN, Role.DEVELOPER, Role.BILLING, Role.VIEWER);
  }

  public List<UserView> getList() {
    return list;
  }

  public String getEmail() {
    return email;
  }

  public void setEmail(String email) {
    this.email = email;
  }

  public String getDisplayName() {
    return displayName;
  }

  public void setDisplayName(String displayName) {
    this.displayName = displayName;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public List<String> getRoles() {
    return roles;
  }

  public void setRoles(List<String> roles) {
    this.roles = roles;
  }
}

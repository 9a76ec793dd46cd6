package dev.tessera.tenancy.api;

import java.util.Set;

/** A request to add a person to a tenant; the password is hashed (PBKDF2) and never stored. */
public record NewUser(String email, String displayName, String password, Set<Role> roles) {}

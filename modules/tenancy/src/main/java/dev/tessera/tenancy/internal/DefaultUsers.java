package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.InvalidInputException;
import dev.tessera.tenancy.api.NewUser;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.TenantId;
import dev.tessera.tenancy.api.UserView;
import dev.tessera.tenancy.api.Users;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.identitystore.Pbkdf2PasswordHash;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A tenant's people, with PBKDF2-hashed passwords (Jakarta Security's Pbkdf2PasswordHash). */
@ApplicationScoped
public class DefaultUsers implements Users {
  static final int MIN_PASSWORD = 12;

  @Inject TenantTransactions tx;
  @Inject Pbkdf2PasswordHash hasher;

  @PostConstruct
  void configureHasher() {
    // OWASP's 2023 guidance for PBKDF2-HMAC-SHA512
    hasher.initialize(
        Map.of(
            "Pbkdf2PasswordHash.Algorithm", "PBKDF2WithHmacSHA512",
            "Pbkdf2PasswordHash.Iterations", "210000",
            "Pbkdf2PasswordHash.SaltSizeBytes", "32",
            "Pbkdf2PasswordHash.KeySizeBytes", "32"));
  }

  @Override
  public UserView create(TenantId tenant, NewUser request) {
    Validation.required("body", request);
    String email = Validation.email(request.email());
    String displayName = Validation.text("displayName", request.displayName(), 200);
    String password = Validation.required("password", request.password());
    if (password.length() < MIN_PASSWORD || password.length() > 1024) {
      throw InvalidInputException.field(
          "password", "must be between " + MIN_PASSWORD + " and 1024 characters");
    }
    if (request.roles() == null || request.roles().isEmpty()) {
      throw InvalidInputException.field("roles", "at least one role is required");
    }
    UserRecord r = new UserRecord();
    r.id = UUID.randomUUID();
    r.tenantId = tenant.value();
    r.email = email;
    r.displayName = displayName;
    r.passwordHash = hasher.generate(password.toCharArray());
    r.roles = request.roles().stream().map(Role::name).sorted().toArray(String[]::new);
    r.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    tx.inSession(
        tenant,
        s -> {
          s.persist(r);
          s.flush();
          return null;
        });
    return r.toView();
  }

  @Override
  public Page<UserView> list(TenantId tenant, PageRequest page) {
    return tx.inSession(
        tenant,
        s ->
            Pages.of(
                Pages.fetch(
                    s, UserRecord.class, "e.tenantId = :t", Map.of("t", tenant.value()), page),
                page.size(),
                UserRecord::toView,
                u -> u.createdAt,
                u -> u.id));
  }

  @Override
  public Optional<UserView> verifyPassword(TenantId tenant, String email, String password) {
    if (email == null || password == null) {
      return Optional.empty();
    }
    return tx.inSession(
        tenant,
        s ->
            s.createQuery(
                    "from UserRecord u where u.tenantId = :t and lower(u.email) = lower(:e)",
                    UserRecord.class)
                .setParameter("t", tenant.value())
                .setParameter("e", email)
                .uniqueResultOptional()
                .filter(u -> !u.disabled && hasher.verify(password.toCharArray(), u.passwordHash))
                .map(UserRecord::toView));
  }
}

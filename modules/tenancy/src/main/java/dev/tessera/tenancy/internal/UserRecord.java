package dev.tessera.tenancy.internal;

import dev.tessera.tenancy.api.Role;
import dev.tessera.tenancy.api.UserView;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A tenant's user (public.users, tenant-owned). */
@Entity
@Table(name = "users")
class UserRecord {
  @Id UUID id;

  @Column(name = "tenant_id", nullable = false, updatable = false)
  UUID tenantId;

  @Column(nullable = false)
  String email;

  @Column(name = "display_name", nullable = false)
  String displayName;

  @Column(name = "password_hash", nullable = false)
  String passwordHash;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, columnDefinition = "text[]")
  String[] roles;

  @Column(nullable = false)
  boolean disabled;

  @Column(name = "created_at", nullable = false)
  Instant createdAt;

  UserView toView() {
    return new UserView(
        id,
        email,
        displayName,
        Arrays.stream(roles)
            .map(Role::valueOf)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(Role.class))),
        disabled,
        createdAt);
  }
}

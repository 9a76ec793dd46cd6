package dev.tessera.web.admin;

import dev.tessera.tenancy.api.ApiKeyScope;
import dev.tessera.tenancy.api.ApiKeyView;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.TenantLimits;
import dev.tessera.tenancy.api.TenantView;
import dev.tessera.tenancy.api.TierMoveReport;
import dev.tessera.tenancy.api.TierMoveStatus;
import dev.tessera.tenancy.api.UserView;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** What the admin API returns: plain JSON shapes built from the modules' views. */
final class Representations {
  private Representations() {}

  public record Tenant(
      String id,
      String slug,
      String name,
      String tier,
      String status,
      TenantLimits limits,
      Instant createdAt,
      Instant purgeAfter) {
    static Tenant of(TenantView v) {
      return new Tenant(
          v.id().toString(),
          v.slug(),
          v.name(),
          v.tier().name(),
          v.status().name(),
          v.limits(),
          v.createdAt(),
          v.purgeAfter());
    }
  }

  public record ApiKey(
      String id,
      String name,
      String prefix,
      List<String> scopes,
      Instant createdAt,
      Instant expiresAt,
      Instant revokedAt,
      Instant lastUsedAt) {
    static ApiKey of(ApiKeyView v) {
      return new ApiKey(
          v.id().toString(),
          v.name(),
          v.prefix(),
          v.scopes().stream().map(ApiKeyScope::wireName).sorted().toList(),
          v.createdAt(),
          v.expiresAt(),
          v.revokedAt(),
          v.lastUsedAt());
    }
  }

  /** Returned once, at creation: the only time the key itself is shown. */
  public record IssuedKey(String id, String key, ApiKey apiKey) {}

  public record User(
      String id,
      String email,
      String displayName,
      List<String> roles,
      boolean disabled,
      Instant createdAt) {
    static User of(UserView v) {
      return new User(
          v.id().toString(),
          v.email(),
          v.displayName(),
          v.roles().stream().map(Enum::name).sorted().toList(),
          v.disabled(),
          v.createdAt());
    }
  }

  public record TierMove(
      String tenantId,
      String from,
      String to,
      List<TierMoveReport.TableCheck> tables,
      long writesHeldMillis) {
    static TierMove of(TierMoveReport r) {
      return new TierMove(
          r.tenant().toString(),
          r.from().name(),
          r.to().name(),
          r.tables(),
          r.writesHeldFor().toMillis());
    }
  }

  /** A tenant's tier and its latest tier move, with the move's progress while it runs. */
  public record TierState(String tenantId, String tier, LastMove lastMove) {
    static TierState of(TenantView t, java.util.Optional<TierMoveStatus> move) {
      return new TierState(t.id().toString(), t.tier().name(), move.map(LastMove::of).orElse(null));
    }
  }

  /** One tier move as {@code GET .../tier} shows it. */
  public record LastMove(
      String id,
      String from,
      String to,
      String state,
      boolean running,
      String phase,
      Integer tablesTotal,
      int tablesDone,
      String currentTable,
      long rowsCopied,
      Long writesHeldMillis,
      Instant startedAt,
      Instant finishedAt,
      String detail,
      String summary) {
    static LastMove of(TierMoveStatus m) {
      return new LastMove(
          m.id().toString(),
          m.from().name(),
          m.to().name(),
          m.state(),
          m.running(),
          m.phase(),
          m.tablesTotal(),
          m.tablesDone(),
          m.currentTable(),
          m.rowsCopied(),
          m.writesHeldMillis(),
          m.startedAt(),
          m.finishedAt(),
          m.detail(),
          m.describe());
    }
  }

  public record PageOf<T>(List<T> data, String nextCursor) {
    static <V, T> PageOf<T> of(Page<V> page, Function<V, T> map) {
      return new PageOf<>(page.items().stream().map(map).toList(), page.nextCursor());
    }
  }
}

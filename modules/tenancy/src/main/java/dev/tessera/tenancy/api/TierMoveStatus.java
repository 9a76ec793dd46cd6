package dev.tessera.tenancy.api;

import java.time.Instant;
import java.util.UUID;

/**
 * A tier move as it stands, running or finished: what the operator watches while a tenant moves.
 *
 * @param state {@code COPYING} (running, before the catalog switch), {@code SWITCHED} (the
 *     destination is live, the source is being purged), {@code DONE} or {@code FAILED}
 * @param phase while running, the step under way: {@code preparing} (the destination database and
 *     its schema), {@code waiting} (for the tenant's transactions in flight to finish), {@code
 *     copying}, {@code switching}, {@code purging}
 * @param tablesTotal how many tables the move copies, once known (null before the copy starts)
 * @param currentTable the table being copied and verified, while copying
 * @param rowsCopied rows copied and verified so far
 * @param writesHeldMillis once done: how long the tenant's writes waited for the move
 * @param detail why it failed, or a note on how it finished
 */
public record TierMoveStatus(
    UUID id,
    TenantId tenant,
    Tier from,
    Tier to,
    String state,
    String phase,
    Integer tablesTotal,
    int tablesDone,
    String currentTable,
    long rowsCopied,
    Long writesHeldMillis,
    Instant startedAt,
    Instant finishedAt,
    String detail) {

  /** Whether the move is still under way. */
  public boolean running() {
    return state.equals("COPYING") || state.equals("SWITCHED");
  }

  /** One line for people: what the move is doing or did. */
  public String describe() {
    String move = from + " to " + to;
    return switch (state) {
      case "DONE" ->
          "Moved from "
              + move
              + ": "
              + tablesDone
              + " tables ("
              + rowsCopied
              + " rows) copied and verified"
              + (writesHeldMillis == null ? "." : ", writes held for " + writesHeldMillis + " ms.");
      case "FAILED" ->
          "The move from "
              + move
              + " failed and was rolled back"
              + (detail == null ? "." : ": " + detail);
      default ->
          "Moving from "
              + move
              + ": "
              + switch (phase == null ? "" : phase) {
                case "preparing" -> "preparing the destination database";
                case "waiting" -> "waiting for the tenant's transactions in flight to finish";
                case "copying" ->
                    "copying and verifying "
                        + (currentTable == null ? "" : currentTable + ", ")
                        + "table "
                        + Math.min(tablesDone + 1, tablesTotal == null ? 0 : tablesTotal)
                        + " of "
                        + tablesTotal
                        + " ("
                        + rowsCopied
                        + " rows so far)";
                case "switching" -> "switching the catalog";
                case "purging" -> "removing the old copy";
                default -> "starting";
              }
              + "…";
    };
  }
}

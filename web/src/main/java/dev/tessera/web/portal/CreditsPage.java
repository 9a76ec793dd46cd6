package dev.tessera.web.portal;

import dev.tessera.billing.api.Balance;
import dev.tessera.billing.api.CreditLedger;
import dev.tessera.billing.api.LedgerEvent;
import dev.tessera.billing.api.Movement;
import dev.tessera.billing.api.MovementType;
import dev.tessera.tenancy.api.Page;
import dev.tessera.tenancy.api.PageRequest;
import dev.tessera.tenancy.api.Role;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Credits: the balance, what holds keep, and the ledger trail page by page (oldest first, as the
 * ledger keeps it); the operator records grants and other movements here.
 */
@Named
@ViewScoped
public class CreditsPage extends TenantPage {
  private static final long serialVersionUID = 1L;

  @Inject CreditLedger ledger;

  private Balance balance;
  private final List<LedgerEvent> events = new ArrayList<>();
  private String nextCursor;
  private MovementType type = MovementType.GRANT;
  private BigDecimal amountCredits;
  private String reason;

  /** One per form shown: a double submit records the movement once. */
  private String movementKey = UUID.randomUUID().toString();

  @Override
  protected Set<Role> viewRoles() {
    return Permissions.MONEY_VIEW;
  }

  @Override
  protected void refresh() {
    var t = require(Permissions.MONEY_VIEW);
    balance = ledger.balance(t);
    events.clear();
    nextCursor = null;
    more();
  }

  /** The next page of the trail. */
  public void more() {
    Page<LedgerEvent> page =
        ledger.events(require(Permissions.MONEY_VIEW), PageRequest.of(nextCursor, 50));
    events.addAll(page.items());
    nextCursor = page.nextCursor();
  }

  public void record() {
    if (amountCredits == null) {
      error("Enter an amount in credits.");
      return;
    }
    if (attempt(
        "credits.create",
        "credits",
        null,
        () ->
            ledger.record(
                require(Permissions.OPERATOR),
                new Movement(
                    type,
                    Money.toMicro(amountCredits),
                    "portal-" + movementKey,
                    null,
                    access.actor(),
                    reason)))) {
      info("Recorded.");
      movementKey = UUID.randomUUID().toString();
      amountCredits = null;
      reason = null;
      refresh();
    }
  }

  public boolean isOperator() {
    return can(Permissions.OPERATOR);
  }

  public List<MovementType> getTypes() {
    return List.of(
        MovementType.GRANT, MovementType.PURCHASE, MovementType.ADJUSTMENT, MovementType.EXPIRY);
  }

  public Balance getBalance() {
    return balance;
  }

  public List<LedgerEvent> getEvents() {
    return events;
  }

  public boolean isHasMore() {
    return nextCursor != null;
  }

  public MovementType getType() {
    return type;
  }

  public void setType(MovementType type) {
    this.type = type;
  }

  public BigDecimal getAmountCredits() {
    return amountCredits;
  }

  public void setAmountCredits(BigDecimal amountCredits) {
    this.amountCredits = amountCredits;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }
}

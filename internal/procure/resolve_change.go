package procure

import (
	"context"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// ChangeResolution is the buyer's answer to a supplier's line change.
// Accept applies the supplier's values to the PO line. A counter (Accept
// false) needs a Note for the supplier and may set the buyer's own values
// (Quantity, UnitPrice, Date), which are applied to the line for the
// supplier to acknowledge again.
type ChangeResolution struct {
	Accept          bool       `json:"-"`
	Note            string     `json:"note,omitempty"`
	Quantity        int64      `json:"quantity,omitempty"`
	UnitPrice       string     `json:"unit_price,omitempty"`
	UnitPriceMicros int64      `json:"-"`
	Date            *time.Time `json:"date,omitempty"`
}

// ResolveChange accepts or counters one pending change on a PO. Accepted
// changes update the line (quantity, price, dates, cancellation), its
// amount (half-even, once) and the PO's total and expected date, all in one
// transaction with the audit event and a po.changed event.
func (s *Service) ResolveChange(ctx context.Context, actor store.Actor, poID, changeID int64, r ChangeResolution) (store.PurchaseOrder, store.POLineChange, error) {
	var (
		po     store.PurchaseOrder
		change store.POLineChange
	)
	if err := require(actor, store.RoleBuyer); err != nil {
		return po, change, err
	}
	r.Note = strings.TrimSpace(r.Note)
	if !r.Accept {
		if r.Note == "" {
			return po, change, fault.FieldErr("note", "tell the supplier what you propose instead")
		}
		if r.UnitPrice != "" {
			p, err := matching.ParseUnitPrice(r.UnitPrice)
			if err != nil || p <= 0 {
				return po, change, fault.FieldErr("unit_price", "%q is not a price", r.UnitPrice)
			}
			r.UnitPriceMicros = p
		}
		if r.Quantity < 0 {
			return po, change, fault.FieldErr("quantity", "must not be negative")
		}
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		po, err = tx.LockPO(poID, scope(actor))
		if err != nil {
			return err
		}
		change, err = tx.LockLineChange(po.ID, changeID)
		if err != nil {
			return err
		}
		if change.Status != store.ChangePending {
			return fault.New(fault.Conflict, "this change of %s line %d is already %s", po.Number, change.LineNo, change.Status)
		}
		var line store.POLine
		for _, l := range po.Lines {
			if l.ID == change.POLineID {
				line = l
			}
		}
		if line.ID == 0 {
			return fault.New(fault.NotFound, "line %d of %s not found", change.LineNo, po.Number)
		}
		exp, ok := matching.CurrencyExponent(po.Currency)
		if !ok {
			return fault.New(fault.Invalid, "purchase order %s has unknown currency %q", po.Number, po.Currency)
		}
		now := tx.Now()
		resolved := map[string]any{"resolution_note": r.Note, "resolved_at": now}
		if actor.Kind == store.ActorUser && actor.ID != 0 {
			resolved["resolved_by"] = actor.ID
		}
		var lineFields map[string]any
		action := "po.change_accepted"
		if r.Accept {
			resolved["status"] = store.ChangeAccepted
			lineFields, err = acceptedLineFields(line, change, exp)
		} else {
			action = "po.change_countered"
			resolved["status"] = store.ChangeCountered
			lineFields, err = counterLineFields(line, r, exp, resolved)
		}
		if err != nil {
			return err
		}
		if err := tx.UpdateLineChange(change.ID, resolved); err != nil {
			return err
		}
		if err := tx.UpdatePOLine(line.ID, lineFields); err != nil {
			return err
		}
		if err := s.settleLineStatus(tx, line.ID, change, r.Accept); err != nil {
			return err
		}
		before := poSnapshot(po)
		if err := tx.DB().Where("po_id = ?", po.ID).Order("line_no").Find(&po.Lines).Error; err != nil {
			return err
		}
		var total int64
		for _, l := range po.Lines {
			total += l.AmountMinor
		}
		lines := po.Lines
		if err := tx.SavePOHeader(&po, map[string]any{"total_minor": total, "expected_at": latestExpected(lines)}); err != nil {
			return err
		}
		po.Lines = lines
		change, err = tx.LockLineChange(po.ID, change.ID)
		if err != nil {
			return err
		}
		after := poSnapshot(po)
		after["change_id"], after["kind"], after["line"], after["note"] = change.ID, change.Kind, change.LineNo, r.Note
		if err := tx.Audit(actor, action, "purchase_order", po.ID, po.SupplierID, before, after); err != nil {
			return err
		}
		ev := poEvent(po)
		ev["change"] = map[string]any{"id": change.ID, "kind": change.Kind, "line": change.LineNo, "status": change.Status}
		if err := s.Publish(tx, "po.changed", "purchase_order", po.ID, po.SupplierID, ev); err != nil {
			return err
		}
		if r.Accept {
			return nil
		}
		return s.enqueue(ctx, tx, CounterMailJob{ChangeID: change.ID})
	})
	return po, change, err
}

// acceptedLineFields applies the supplier's proposal to the line.
func acceptedLineFields(line store.POLine, c store.POLineChange, exp int) (map[string]any, error) {
	qty, price, cancelled := line.Quantity, line.UnitPriceMicros, line.CancelledQty
	f := map[string]any{}
	switch c.Kind {
	case store.AckQuantityChanged:
		qty = *c.NewQuantity
		if qty < line.ReceivedQty {
			return nil, fault.New(fault.Conflict, "line %d already has %d received; it cannot drop to %d", line.LineNo, line.ReceivedQty, qty)
		}
		f["quantity"] = qty
	case store.AckPriceChanged:
		price = *c.NewUnitPriceMicros
		f["unit_price_micros"] = price
	case store.AckDateChanged:
		f["expected_at"], f["promised_at"] = *c.NewDate, *c.NewDate
	case store.AckBackordered:
		if c.NewDate != nil {
			f["expected_at"], f["promised_at"] = *c.NewDate, *c.NewDate
		}
	case store.AckRejected:
		cancelled = line.Quantity - line.ReceivedQty
		f["cancelled_qty"] = cancelled
	}
	return withAmount(f, qty-cancelled, price, exp)
}

// counterLineFields applies the buyer's counter values to the line and
// records them on the change.
func counterLineFields(line store.POLine, r ChangeResolution, exp int, resolved map[string]any) (map[string]any, error) {
	qty, price := line.Quantity, line.UnitPriceMicros
	f := map[string]any{}
	if r.Quantity > 0 {
		if r.Quantity < line.ReceivedQty {
			return nil, fault.FieldErr("quantity", "line %d already has %d received", line.LineNo, line.ReceivedQty)
		}
		qty = r.Quantity
		f["quantity"], resolved["counter_quantity"] = qty, qty
	}
	if r.UnitPriceMicros > 0 {
		price = r.UnitPriceMicros
		f["unit_price_micros"], resolved["counter_unit_price_micros"] = price, price
	}
	if r.Date != nil {
		d := r.Date.UTC()
		f["expected_at"], f["promised_at"], resolved["counter_date"] = d, d, d
	}
	return withAmount(f, qty-line.CancelledQty, price, exp)
}

func withAmount(f map[string]any, billableQty, price int64, exp int) (map[string]any, error) {
	amount, err := matching.CheckedLineAmount(billableQty, price, exp)
	if err != nil {
		return nil, fault.New(fault.Invalid, "quantity × price is too large")
	}
	f["amount_minor"] = amount
	return f, nil
}

// settleLineStatus sets the line's ack_status once a change is resolved:
// countered and rejected lines say so; a line with nothing pending any more
// is accepted.
func (s *Service) settleLineStatus(tx *store.Tx, lineID int64, c store.POLineChange, accepted bool) error {
	status := ""
	switch {
	case !accepted:
		status = store.AckCountered
	case c.Kind == store.AckRejected:
		status = store.AckRejected
	default:
		n, err := tx.PendingChangeCount(lineID)
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		status = store.AckAccepted
	}
	return tx.UpdatePOLine(lineID, map[string]any{"ack_status": status})
}

// Changes lists a PO's supplier changes the actor may see; status "" is all.
func (s *Service) Changes(ctx context.Context, actor store.Actor, poID int64, status string) ([]store.POLineChange, error) {
	sc := scope(actor)
	if sc < 0 {
		return nil, fault.New(fault.NotFound, "purchase order not found")
	}
	if _, err := s.Store.PO(ctx, poID, sc); err != nil {
		return nil, err
	}
	return s.Store.POLineChanges(ctx, poID, sc, status)
}

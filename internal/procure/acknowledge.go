package procure

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// Ack is a supplier's acknowledgement of a PO, from the portal, the API or
// an 855. Lines not listed are left as they are, except that an Ack with no
// lines at all accepts every line.
type Ack struct {
	POID int64 `json:"-"`
	// Reference identifies the acknowledgement at its source ("edi:<file>:<set>",
	// a form token); the same reference again returns the first result and
	// changes nothing.
	Reference string `json:"reference,omitempty"`
	// RejectAll refuses the whole order (855 BAK02 RJ): every line is a
	// rejection waiting for the buyer.
	RejectAll bool      `json:"reject_all,omitempty"`
	Note      string    `json:"note,omitempty"`
	Lines     []AckLine `json:"lines,omitempty"`
}

// AckLine is the supplier's answer for one line. Outcome is accepted,
// rejected, quantity_changed, date_changed, price_changed or backordered;
// the changed value goes in Quantity, UnitPrice (decimal string) or
// UnitPriceMicros, or Date. A backordered line may carry the date it will
// ship and (Quantity) how much is backordered. on_hold records that the
// supplier has not decided yet. Values that equal the PO's are not changes;
// values that differ are changes whatever the outcome says (an 855 "IA"
// with another quantity still changes the quantity).
type AckLine struct {
	LineNo          int        `json:"line_no"`
	Outcome         string     `json:"outcome"`
	Quantity        int64      `json:"quantity,omitempty"`
	UnitPrice       string     `json:"unit_price,omitempty"`
	UnitPriceMicros int64      `json:"-"`
	Date            *time.Time `json:"date,omitempty"`
	Note            string     `json:"note,omitempty"`
}

// AckResult is what Acknowledge recorded.
type AckResult struct {
	Acknowledgement store.POAcknowledgement
	PO              store.PurchaseOrder
	// Changes are the line changes now waiting for the buyer.
	Changes []store.POLineChange
	// Replayed is true when Reference matched an earlier acknowledgement.
	Replayed bool
}

var ackOutcomes = map[string]bool{store.AckAccepted: true, store.AckRejected: true, store.AckQuantityChanged: true,
	store.AckDateChanged: true, store.AckPriceChanged: true, store.AckBackordered: true, store.AckOnHold: true}

// Acknowledge records a supplier's acknowledgement: the PO becomes
// acknowledged (which stops the chase), accepted lines are marked, and every
// change (quantity, price, date, rejection, backorder) waits for the buyer
// as a po_line_change. Supplier actors reach only their own POs.
func (s *Service) Acknowledge(ctx context.Context, actor store.Actor, ack Ack) (AckResult, error) {
	var res AckResult
	if !actor.IsSupplier() && !actor.HasRole(store.RoleBuyer) {
		return res, fault.New(fault.Forbidden, "your role (%s) may not acknowledge purchase orders", actor.Role)
	}
	if err := validateAck(&ack); err != nil {
		return res, err
	}
	sc := scope(actor)
	if sc < 0 {
		return res, fault.New(fault.NotFound, "purchase order not found")
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		po, err := tx.LockPO(ack.POID, sc)
		if err != nil {
			return err
		}
		if ack.Reference != "" {
			prev, found, err := tx.AcknowledgementByReference(po.SupplierID, ack.Reference)
			if err != nil {
				return err
			}
			if found {
				if prev.POID != po.ID {
					return fault.FieldErr("reference", "reference %q already acknowledged another purchase order", ack.Reference)
				}
				changes, err := tx.ChangesOfAcknowledgement(prev.ID)
				res = AckResult{Acknowledgement: prev, PO: po, Changes: changes, Replayed: true}
				return err
			}
		}
		if po.Status != store.POStatusSent && po.Status != store.POStatusAcknowledged {
			return fault.New(fault.Conflict, "purchase order %s is %s; only a sent order can be acknowledged", po.Number, humanStatus(po.Status))
		}
		res, err = s.acknowledgeTx(tx, actor, po, ack)
		return err
	})
	return res, err
}

func validateAck(ack *Ack) error {
	ack.Reference = strings.TrimSpace(ack.Reference)
	ack.Note = strings.TrimSpace(ack.Note)
	seen := map[int]bool{}
	for i := range ack.Lines {
		l := &ack.Lines[i]
		field := func(name string) string { return "lines[" + strconv.Itoa(i) + "]." + name }
		if seen[l.LineNo] {
			return fault.FieldErr(field("line_no"), "line %d is answered twice", l.LineNo)
		}
		seen[l.LineNo] = true
		l.Outcome = strings.TrimSpace(strings.ToLower(l.Outcome))
		if !ackOutcomes[l.Outcome] {
			return fault.FieldErr(field("outcome"), "%q is not an outcome; use accepted, rejected, quantity_changed, date_changed, price_changed, backordered or on_hold", l.Outcome)
		}
		if l.UnitPrice != "" {
			p, err := matching.ParseUnitPrice(l.UnitPrice)
			if err != nil || p <= 0 {
				return fault.FieldErr(field("unit_price"), "%q is not a price", l.UnitPrice)
			}
			l.UnitPriceMicros = p
		}
		switch {
		case l.Quantity < 0:
			return fault.FieldErr(field("quantity"), "must not be negative")
		case l.Outcome == store.AckQuantityChanged && l.Quantity == 0:
			return fault.FieldErr(field("quantity"), "a quantity change needs the new quantity")
		case l.Outcome == store.AckPriceChanged && l.UnitPriceMicros == 0:
			return fault.FieldErr(field("unit_price"), "a price change needs the new unit price")
		case l.Outcome == store.AckDateChanged && l.Date == nil:
			return fault.FieldErr(field("date"), "a date change needs the new date")
		}
	}
	if ack.RejectAll && len(ack.Lines) > 0 {
		return fault.FieldErr("reject_all", "either reject the whole order or answer line by line, not both")
	}
	return nil
}

func (s *Service) acknowledgeTx(tx *store.Tx, actor store.Actor, po store.PurchaseOrder, ack Ack) (AckResult, error) {
	now := tx.Now()
	rec := store.POAcknowledgement{POID: po.ID, SupplierID: po.SupplierID, Channel: nonEmpty(actor.Channel, "api"),
		Reference: ack.Reference, Note: ack.Note, ActorLabel: nonEmpty(actor.Label, string(actor.Kind)), CreatedAt: now}
	if err := tx.InsertAcknowledgement(&rec); err != nil {
		return AckResult{}, err
	}
	byNo := map[int]store.POLine{}
	for _, l := range po.Lines {
		byNo[l.LineNo] = l
	}
	answers := ack.Lines
	if len(answers) == 0 {
		outcome := store.AckAccepted
		if ack.RejectAll {
			outcome = store.AckRejected
		}
		for _, l := range po.Lines {
			answers = append(answers, AckLine{LineNo: l.LineNo, Outcome: outcome, Note: ack.Note})
		}
	}
	var changes []store.POLineChange
	for i, a := range answers {
		line, ok := byNo[a.LineNo]
		if !ok {
			return AckResult{}, fault.FieldErr("lines["+strconv.Itoa(i)+"].line_no", "purchase order %s has no line %d", po.Number, a.LineNo)
		}
		lineChanges := proposedChanges(line, a)
		// A newer answer for the line replaces whatever was still pending.
		if err := tx.SupersedePendingChanges(line.ID); err != nil {
			return AckResult{}, err
		}
		status := a.Outcome
		for j := range lineChanges {
			c := &lineChanges[j]
			c.POID, c.POLineID, c.SupplierID, c.AcknowledgementID, c.LineNo = po.ID, line.ID, po.SupplierID, rec.ID, line.LineNo
			c.Status, c.Note, c.CreatedAt = store.ChangePending, strings.TrimSpace(a.Note), now
			c.OldQuantity, c.OldUnitPriceMicros, c.OldDate = line.Quantity, line.UnitPriceMicros, line.ExpectedAt
			if err := tx.InsertLineChange(c); err != nil {
				return AckResult{}, err
			}
			changes = append(changes, *c)
		}
		switch {
		case status == store.AckOnHold:
		case len(lineChanges) == 0:
			status = store.AckAccepted // "changed" to the same values is an acceptance
		case len(lineChanges) == 1:
			status = lineChanges[0].Kind
		default:
			status = store.AckChangesPending
		}
		if err := tx.UpdatePOLine(line.ID, map[string]any{"ack_status": status}); err != nil {
			return AckResult{}, err
		}
	}
	before := map[string]any{"status": po.Status}
	fields := map[string]any{"status": store.POStatusAcknowledged}
	if po.AcknowledgedAt == nil {
		fields["acknowledged_at"] = now
	}
	if err := tx.SavePOHeader(&po, fields); err != nil {
		return AckResult{}, err
	}
	if err := tx.DB().Where("po_id = ?", po.ID).Order("line_no").Find(&po.Lines).Error; err != nil {
		return AckResult{}, fmt.Errorf("procure: reload lines: %w", err)
	}
	after := map[string]any{"status": po.Status, "acknowledgement_id": rec.ID, "reference": rec.Reference,
		"lines": len(answers), "changes_pending": len(changes)}
	if err := tx.Audit(actor, "po.acknowledged", "purchase_order", po.ID, po.SupplierID, before, after); err != nil {
		return AckResult{}, err
	}
	ev := poEvent(po)
	ev["changes_pending"] = len(changes)
	if err := s.Publish(tx, "po.acknowledged", "purchase_order", po.ID, po.SupplierID, ev); err != nil {
		return AckResult{}, err
	}
	return AckResult{Acknowledgement: rec, PO: po, Changes: changes}, nil
}

// proposedChanges turns one answer into the changes it proposes. Values
// equal to the line's are not changes; a line can change more than one thing.
func proposedChanges(line store.POLine, a AckLine) []store.POLineChange {
	var out []store.POLineChange
	switch a.Outcome {
	case store.AckOnHold:
		return nil
	case store.AckRejected:
		return []store.POLineChange{{Kind: store.AckRejected}}
	case store.AckBackordered:
		c := store.POLineChange{Kind: store.AckBackordered}
		if a.Date != nil {
			d := a.Date.UTC()
			c.NewDate = &d
		}
		if a.Quantity > 0 && a.Quantity < line.Quantity {
			q := a.Quantity // the quantity backordered; the rest ships as ordered
			c.NewQuantity = &q
		}
		return []store.POLineChange{c}
	}
	if a.Quantity > 0 && a.Quantity != line.Quantity {
		q := a.Quantity
		out = append(out, store.POLineChange{Kind: store.AckQuantityChanged, NewQuantity: &q})
	}
	if a.UnitPriceMicros > 0 && a.UnitPriceMicros != line.UnitPriceMicros {
		p := a.UnitPriceMicros
		out = append(out, store.POLineChange{Kind: store.AckPriceChanged, NewUnitPriceMicros: &p})
	}
	if a.Date != nil && (line.ExpectedAt == nil || !sameDay(*a.Date, *line.ExpectedAt)) {
		d := a.Date.UTC()
		out = append(out, store.POLineChange{Kind: store.AckDateChanged, NewDate: &d})
	}
	return out
}

func sameDay(a, b time.Time) bool {
	a, b = a.UTC(), b.UTC()
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

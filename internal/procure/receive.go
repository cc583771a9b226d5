package procure

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// ReceiptInput is a goods receipt (GRN) from the warehouse page, POST
// /api/v1/receipts or a scanner. It names a PO, or an ASN (whose PO is
// implied); ReceiptDraftFromASN / ReceiptDraftFromPO pre-fill it.
type ReceiptInput struct {
	POID     int64  `json:"po_id,omitempty"`
	PONumber string `json:"po_number,omitempty"`
	ASNID    int64  `json:"asn_id,omitempty"`
	// LocationID is where the goods go; default the PO's location, else
	// the first location.
	LocationID int64  `json:"location_id,omitempty"`
	Reference  string `json:"reference,omitempty"`
	Notes      string `json:"notes,omitempty"`
	// ReceivedAt backdates a receipt keyed in after the fact; default now.
	ReceivedAt *time.Time `json:"received_at,omitempty"`
	// Close closes the PO after this receipt even though lines are short,
	// applying the supplier's backorder policy to what is still open.
	Close       bool               `json:"close,omitempty"`
	CloseReason string             `json:"close_reason,omitempty"`
	Lines       []ReceiptLineInput `json:"lines"`
}

// ReceiptLineInput is what arrived for one PO line, in the line's unit.
// Damaged and rejected are parts of Received (see store.ReceiptLine): the
// good quantity is Received − Damaged − Rejected.
type ReceiptLineInput struct {
	LineRef
	Received int64  `json:"received"`
	Damaged  int64  `json:"damaged,omitempty"`
	Rejected int64  `json:"rejected,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// Accepted is the good quantity: what counts against the PO and enters stock.
func (l ReceiptLineInput) Accepted() int64 { return l.Received - l.Damaged - l.Rejected }

// ReceiptResult is what Receive did.
type ReceiptResult struct {
	Receipt store.Receipt
	// PO is the purchase order after the receipt (and the close, if asked).
	PO store.PurchaseOrder
	// Close is set when the receipt also closed the PO short.
	Close *CloseResult
}

const maxReceiptLines = 5000

// Receive books a goods receipt. Inside one transaction it locks the PO and
// its line rows, re-checks every quantity against what is already received
// (so concurrent receipts can never take in more than ordered + tolerance),
// adds the good quantity to the line and to on-hand stock (in stock units),
// takes the physical quantity off the ASN in transit, records ASN
// differences, moves the PO to partially received / received, and writes
// the receipt event with its audit trail.
func (s *Service) Receive(ctx context.Context, actor store.Actor, in ReceiptInput) (ReceiptResult, error) {
	var out ReceiptResult
	if err := require(actor, store.RoleWarehouse, store.RoleBuyer); err != nil {
		return out, err
	}
	if err := in.check(); err != nil {
		return out, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.ClaimWrite(); err != nil {
			return err
		}
		var err error
		out, err = s.receiveTx(ctx, tx, actor, in)
		return err
	})
	return out, err
}

func (in *ReceiptInput) check() error {
	in.Reference, in.Notes = strings.TrimSpace(in.Reference), strings.TrimSpace(in.Notes)
	switch {
	case in.POID == 0 && strings.TrimSpace(in.PONumber) == "" && in.ASNID == 0:
		return fault.FieldErr("po_id", "name the purchase order (po_id or po_number) or the ship notice (asn_id)")
	case len(in.Lines) == 0:
		return fault.FieldErr("lines", "a receipt needs at least one line (send 0 received for a line that did not arrive)")
	case len(in.Lines) > maxReceiptLines:
		return fault.FieldErr("lines", "at most %d lines per receipt", maxReceiptLines)
	}
	var total int64
	for i, l := range in.Lines {
		field := "lines[" + strconv.Itoa(i) + "]"
		switch {
		case l.Received < 0:
			return fault.FieldErr(field+".received", "cannot be negative, got %d", l.Received)
		case l.Damaged < 0:
			return fault.FieldErr(field+".damaged", "cannot be negative, got %d", l.Damaged)
		case l.Rejected < 0:
			return fault.FieldErr(field+".rejected", "cannot be negative, got %d", l.Rejected)
		case l.Damaged+l.Rejected > l.Received:
			return fault.FieldErr(field, "damaged (%d) and rejected (%d) are part of received (%d) and cannot add up to more", l.Damaged, l.Rejected, l.Received)
		}
		total += l.Received
	}
	if total == 0 && in.ASNID == 0 && !in.Close {
		// Against an ASN an all-zero receipt records that the shipment did
		// not arrive as announced; against a PO it would record nothing.
		return fault.FieldErr("lines", "nothing was received; to give up on the rest of the order, close it instead")
	}
	return nil
}

// receivable says whether goods may be booked in against a PO in this status.
func receivable(po store.PurchaseOrder) error {
	if po.Status == store.POStatusReceived {
		// Still receivable within the over-delivery tolerance.
		return nil
	}
	return notOutWithSupplier(po, "receive goods")
}

func (s *Service) receiveTx(ctx context.Context, tx *store.Tx, actor store.Actor, in ReceiptInput) (ReceiptResult, error) {
	var out ReceiptResult
	poID, err := receiptPOID(tx, in)
	if err != nil {
		return out, err
	}
	po, err := poForActor(tx, actor, poID, in.PONumber)
	if err != nil {
		return out, err
	}
	if err := receivable(po); err != nil {
		return out, err
	}
	lines, err := tx.LockPOLines(po.ID)
	if err != nil {
		return out, err
	}
	po.Lines = lines
	var asn *store.ASN
	if in.ASNID != 0 {
		a, err := tx.LockASN(in.ASNID, 0)
		if err != nil {
			return out, err
		}
		if a.Status != store.ASNStatusOpen {
			return out, fault.New(fault.Conflict, "ship notice %s is already %s; receive further goods against the purchase order %s", a.Number, a.Status, po.Number)
		}
		asn = &a
	}
	idx, err := newPOLineIndex(tx, po.Number, lines)
	if err != nil {
		return out, err
	}
	tol, err := loadQtyTolerance(tx, po.SupplierID, lines)
	if err != nil {
		return out, err
	}
	loc, err := receiptLocation(tx, po, in.LocationID)
	if err != nil {
		return out, err
	}
	now := tx.Now()
	rec := store.Receipt{SupplierID: po.SupplierID, POID: po.ID, LocationID: loc, Reference: in.Reference,
		Notes: in.Notes, ActorLabel: actor.Label, Channel: channelOf(actor), ReceivedAt: now}
	if in.ReceivedAt != nil {
		if in.ReceivedAt.After(now.Add(5 * time.Minute)) {
			return out, fault.FieldErr("received_at", "is in the future")
		}
		rec.ReceivedAt = in.ReceivedAt.UTC()
	}
	if asn != nil {
		rec.ASNID = &asn.ID
	}

	byLine := map[int]int{} // PO line index -> input index
	for i, l := range in.Lines {
		field := "lines[" + strconv.Itoa(i) + "]"
		li, err := idx.resolve(l.LineRef, field)
		if err != nil {
			return out, err
		}
		if prev, dup := byLine[li]; dup {
			return out, fault.FieldErr(field, "%s is already lines[%d]; put everything that arrived for it on one line", idx.label(li), prev)
		}
		byLine[li] = i
		if err := checkReceiptQty(field, idx, li, l, tol); err != nil {
			return out, err
		}
	}

	before := receivedSnapshot(po)
	var asnLines map[int64]*store.ASNLine // by PO line id
	if asn != nil {
		asnLines = make(map[int64]*store.ASNLine, len(asn.Lines))
		for i := range asn.Lines {
			asnLines[asn.Lines[i].POLineID] = &asn.Lines[i]
		}
	}
	stock := map[int64]int64{} // product -> stock units accepted
	for li := range lines {
		i, onReceipt := byLine[li]
		l := &lines[li]
		var al *store.ASNLine
		if asnLines != nil {
			al = asnLines[l.ID]
		}
		if !onReceipt && al == nil {
			continue
		}
		var inLine ReceiptLineInput
		if onReceipt {
			inLine = in.Lines[i]
		}
		rl := store.ReceiptLine{POLineID: l.ID, ProductID: l.ProductID, LineNo: l.LineNo,
			ReceivedQty: inLine.Received, DamagedQty: inLine.Damaged, RejectedQty: inLine.Rejected,
			AcceptedQty: inLine.Accepted(), StockQty: inLine.Accepted() * max(l.UnitsPerPurchaseUnit, 1),
			Reason: strings.TrimSpace(inLine.Reason)}
		if asn != nil {
			var expected int64
			if al != nil {
				expected = al.InTransit()
				id := al.ID
				rl.ASNLineID = &id
			}
			rl.ExpectedQty = &expected
		}
		rec.Lines = append(rec.Lines, rl)
		if rl.AcceptedQty > 0 {
			l.ReceivedQty += rl.AcceptedQty
			if err := tx.UpdatePOLine(l.ID, map[string]any{"received_qty": l.ReceivedQty}); err != nil {
				return out, err
			}
			stock[l.ProductID] += rl.StockQty
		}
	}
	if err := addStockInOrder(tx, loc, stock); err != nil {
		return out, err
	}
	if err := tx.InsertReceipt(&rec); err != nil {
		return out, err
	}
	if err := takeOffTransit(tx, po.ID, asn, rec.Lines); err != nil {
		return out, err
	}
	if err := advanceReceivedStatus(tx, &po, lines); err != nil {
		return out, err
	}
	if err := tx.Audit(actor, "receipt.created", "receipt", rec.ID, rec.SupplierID, nil, receiptSnapshot(po, asn, rec)); err != nil {
		return out, err
	}
	if err := tx.Audit(actor, "po.received", "purchase_order", po.ID, po.SupplierID, before, receivedSnapshot(po)); err != nil {
		return out, err
	}
	for _, h := range receiptHooks {
		if err := h(ctx, s, tx, rec); err != nil {
			return out, err
		}
	}
	out.Receipt, out.PO = rec, po
	if in.Close {
		cr, err := s.closeTx(ctx, tx, actor, &po, in.CloseReason)
		if err != nil {
			return out, err
		}
		if err := tx.SetReceiptClosedPO(rec.ID); err != nil {
			return out, err
		}
		out.Receipt.ClosedPO = true
		out.Close, out.PO = &cr, po
	}
	return out, nil
}

// addStockInOrder books stock in product-id order, so two receipts of
// different POs touching the same products lock their stock rows in the same
// order and cannot deadlock.
func addStockInOrder(tx *store.Tx, location int64, stock map[int64]int64) error {
	ids := make([]int64, 0, len(stock))
	for id := range stock {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := tx.ReceiveStock(id, location, stock[id]); err != nil {
			return err
		}
	}
	return nil
}

// receiptPOID finds the PO id from the input (the ASN's PO when only the
// ASN is named); a mismatch between the two is an error.
func receiptPOID(tx *store.Tx, in ReceiptInput) (int64, error) {
	if in.ASNID == 0 {
		return in.POID, nil
	}
	var a store.ASN
	if err := tx.DB().Select("id", "po_id", "number").Where("id = ?", in.ASNID).Take(&a).Error; err != nil {
		return 0, fault.New(fault.NotFound, "ship notice %d not found", in.ASNID)
	}
	if in.POID != 0 && in.POID != a.POID {
		return 0, fault.FieldErr("asn_id", "ship notice %s belongs to another purchase order than po_id %d", a.Number, in.POID)
	}
	return a.POID, nil
}

// checkReceiptQty refuses taking in more good units than ordered −
// cancelled + tolerance, counting what earlier receipts already took in.
// It runs on line rows locked by this transaction, so a concurrent receipt
// waits and then sees this one's quantity.
func checkReceiptQty(field string, idx *poLineIndex, li int, in ReceiptLineInput, tol *qtyTolerance) error {
	l := idx.lines[li]
	accepted := in.Accepted()
	limit := l.Quantity - l.CancelledQty + tol.allowance(l)
	if l.ReceivedQty+accepted <= limit {
		return nil
	}
	verb := "received"
	if in.Damaged+in.Rejected > 0 {
		verb = "accepted"
	}
	var already []string
	if l.ReceivedQty > 0 {
		already = append(already, fmt.Sprintf("%d already received", l.ReceivedQty))
	}
	if l.CancelledQty > 0 {
		already = append(already, fmt.Sprintf("%d cancelled", l.CancelledQty))
	}
	room := max(limit-l.ReceivedQty, 0)
	already = append(already, fmt.Sprintf("at most %d more can be accepted", room))
	return overDeliveryError(fault.Conflict, field+".received", idx.label(li), verb, accepted, l, tol, already...)
}

// receiptLocation picks where the goods go: the one asked for, the PO's, or
// the first location.
func receiptLocation(tx *store.Tx, po store.PurchaseOrder, asked int64) (int64, error) {
	id := asked
	if id == 0 && po.LocationID != nil {
		id = *po.LocationID
	}
	var loc store.Location
	q := tx.DB().Order("id")
	if id != 0 {
		q = q.Where("id = ?", id)
	}
	res := q.Limit(1).Find(&loc)
	if res.Error != nil {
		return 0, fmt.Errorf("procure: receiving location: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		if asked != 0 {
			return 0, fault.FieldErr("location_id", "location %d not found", asked)
		}
		return 0, fault.New(fault.Conflict, "no stock location exists yet; create one before receiving goods")
	}
	return loc.ID, nil
}

// takeOffTransit records the physical quantity received against ASN lines.
// Against an ASN, its lines take it and the ASN is done (the shipment has
// arrived; any shortfall stays recorded as the receipt's ASN difference).
// Without one, the open ASNs of the PO give it up oldest first, and those
// fully received are done.
func takeOffTransit(tx *store.Tx, poID int64, asn *store.ASN, lines []store.ReceiptLine) error {
	if asn != nil {
		for _, rl := range lines {
			if rl.ASNLineID != nil && rl.ReceivedQty > 0 {
				if err := tx.AddASNLineReceived(*rl.ASNLineID, rl.ReceivedQty); err != nil {
					return err
				}
			}
		}
		return tx.SetASNStatus(asn.ID, store.ASNStatusReceived)
	}
	open, err := tx.OpenASNLinesForPO(poID)
	if err != nil || len(open) == 0 {
		return err
	}
	left := map[int64]int64{}
	for _, rl := range lines {
		left[rl.POLineID] += rl.ReceivedQty
	}
	touched := map[int64]bool{}
	for i := range open {
		al := &open[i]
		take := min(left[al.POLineID], al.InTransit())
		if take <= 0 {
			continue
		}
		if err := tx.AddASNLineReceived(al.ID, take); err != nil {
			return err
		}
		al.ReceivedQty += take
		left[al.POLineID] -= take
		touched[al.ASNID] = true
	}
	done := map[int64]bool{}
	for _, al := range open {
		if !touched[al.ASNID] {
			continue
		}
		if _, seen := done[al.ASNID]; !seen {
			done[al.ASNID] = true
		}
		if al.InTransit() > 0 {
			done[al.ASNID] = false
		}
	}
	for id, complete := range done {
		if complete {
			if err := tx.SetASNStatus(id, store.ASNStatusReceived); err != nil {
				return err
			}
		}
	}
	return nil
}

// advanceReceivedStatus moves the PO to received when nothing is open, or
// to partially received when something arrived.
func advanceReceivedStatus(tx *store.Tx, po *store.PurchaseOrder, lines []store.POLine) error {
	anyReceived, allDone := false, true
	for _, l := range lines {
		if l.ReceivedQty > 0 {
			anyReceived = true
		}
		if l.OpenQty() > 0 {
			allDone = false
		}
	}
	to := po.Status
	switch {
	case allDone && anyReceived:
		to = store.POStatusReceived
	case anyReceived:
		to = store.POStatusPartiallyReceived
	}
	if to == po.Status {
		po.Lines = lines
		return nil
	}
	if err := tx.SavePOHeader(po, map[string]any{"status": to}); err != nil {
		return err
	}
	po.Lines = lines
	return nil
}

func receivedSnapshot(po store.PurchaseOrder) map[string]any {
	lines := make([]map[string]any, 0, len(po.Lines))
	for _, l := range po.Lines {
		lines = append(lines, map[string]any{"line": l.LineNo, "qty": l.Quantity, "received": l.ReceivedQty, "cancelled": l.CancelledQty})
	}
	return map[string]any{"number": po.Number, "status": po.Status, "lines": lines}
}

func receiptSnapshot(po store.PurchaseOrder, asn *store.ASN, r store.Receipt) map[string]any {
	lines := make([]map[string]any, 0, len(r.Lines))
	for _, l := range r.Lines {
		m := map[string]any{"po_line": l.LineNo, "received": l.ReceivedQty, "damaged": l.DamagedQty,
			"rejected": l.RejectedQty, "accepted": l.AcceptedQty, "stock_qty": l.StockQty}
		if l.ExpectedQty != nil {
			m["asn_expected"], m["asn_difference"] = *l.ExpectedQty, l.ASNDifference()
		}
		if l.Reason != "" {
			m["reason"] = l.Reason
		}
		lines = append(lines, m)
	}
	out := map[string]any{"number": r.Number, "po": po.Number, "location_id": r.LocationID, "received_at": r.ReceivedAt, "lines": lines}
	if asn != nil {
		out["asn"] = asn.Number
	}
	if r.Reference != "" {
		out["reference"] = r.Reference
	}
	return out
}

// ReceiptHook runs inside a receipt's transaction after it is written; the
// invoice work registers one to enqueue re-matching of invoices awaiting
// receipt (with Service.Queue.EnqueueTx), so the job exists if and only if
// the receipt committed.
type ReceiptHook func(ctx context.Context, s *Service, tx *store.Tx, r store.Receipt) error

var receiptHooks []ReceiptHook

// OnReceipt registers a hook; call it from an init function.
func OnReceipt(h ReceiptHook) { receiptHooks = append(receiptHooks, h) }

// GetReceipt returns a receipt the actor may see.
func (s *Service) GetReceipt(ctx context.Context, actor store.Actor, id int64) (store.Receipt, error) {
	sc := scope(actor)
	if sc < 0 {
		return store.Receipt{}, fault.New(fault.NotFound, "receipt not found")
	}
	return s.Store.Receipt(ctx, id, sc)
}

// ListReceipts lists receipts (with lines) the actor may see.
func (s *Service) ListReceipts(ctx context.Context, actor store.Actor, f store.ReceiptFilter, page store.Page) ([]store.Receipt, int64, error) {
	if sc := scope(actor); sc != 0 {
		f.SupplierID = sc
	}
	return s.Store.Receipts(ctx, f, page)
}

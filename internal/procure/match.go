package procure

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// RunMatch re-runs the three-way match of one invoice. Concurrent runs of the
// same invoice serialise on its row lock, and the payable queue is unique per
// invoice, so ten parallel runs queue it once.
func (s *Service) RunMatch(ctx context.Context, actor store.Actor, invoiceID int64) (InvoiceResult, error) {
	var res InvoiceResult
	if err := require(actor, store.RoleBuyer, store.RoleAP); err != nil {
		return res, err
	}
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		res, err = s.matchTx(tx, actor, invoiceID)
		return err
	})
	return res, err
}

// RematchAwaiting re-matches, oldest first, the invoices of a PO that were
// waiting for goods. The receipt command calls it inside its transaction,
// under the PO lines' locks, so two invoices never claim the same goods.
func (s *Service) RematchAwaiting(tx *store.Tx, actor store.Actor, poID int64) error {
	ids, err := tx.InvoicesAwaitingReceipt(poID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.matchTx(tx, actor, id); err != nil {
			return err
		}
	}
	return nil
}

// settled statuses are final for the matcher: a re-run changes nothing.
var settled = map[string]bool{store.InvoiceMatched: true, store.InvoiceAccepted: true, store.InvoiceRejected: true}

func (s *Service) matchTx(tx *store.Tx, actor store.Actor, invoiceID int64) (InvoiceResult, error) {
	var res InvoiceResult
	inv, err := tx.LockInvoice(invoiceID, 0)
	if err != nil {
		return res, err
	}
	if settled[inv.Status] {
		res.Invoice = inv
		if run, err := latestRunTx(tx, inv.ID); err == nil {
			json.Unmarshal([]byte(run.DecisionJSON), &res.Decision)
		}
		return res, nil
	}
	in, err := s.matchInput(tx, inv)
	if err != nil {
		return res, err
	}
	d := matching.Match(&in)
	if inv.POID == nil {
		d.Outcome = matching.Exception
		d.Reasons = append(d.Reasons, matching.Reason{Code: "no_purchase_order", Message: "the invoice names no purchase order of yours; add the PO number"})
	}
	inJSON, _ := json.Marshal(in)
	dJSON, _ := json.Marshal(d)
	if err := tx.RecordMatchRun(store.MatchRun{InvoiceID: inv.ID, Outcome: string(d.Outcome), InputJSON: string(inJSON), DecisionJSON: string(dJSON)}); err != nil {
		return res, err
	}
	status := map[matching.Outcome]string{matching.Matched: store.InvoiceMatched, matching.AwaitingReceipt: store.InvoiceAwaitingReceipt}[d.Outcome]
	if status == "" {
		status = store.InvoiceException
	}
	before := inv.Status
	if err := tx.SaveInvoiceHeader(&inv, map[string]any{"status": status, "match_outcome": string(d.Outcome), "match_reasons": strings.Join(d.Messages(), "\n")}); err != nil {
		return res, err
	}
	if err := tx.Audit(actor, "invoice.matched", "invoice", inv.ID, inv.SupplierID, map[string]string{"status": before},
		map[string]any{"status": status, "reasons": d.Codes()}); err != nil {
		return res, err
	}
	res.Invoice, res.Decision = inv, d
	if status == store.InvoiceMatched {
		res.Queued, err = s.release(tx, actor, inv, d)
	}
	return res, err
}

// release puts an invoice in the payable queue once and records what it
// claimed of each PO line.
func (s *Service) release(tx *store.Tx, actor store.Actor, inv store.Invoice, d matching.Decision) (bool, error) {
	amount := d.Payable
	if amount == 0 && inv.TotalMinor != 0 {
		amount = inv.TotalMinor
		if inv.CreditNote {
			amount = -amount
		}
	}
	queued, err := tx.QueuePayable(store.Payable{InvoiceID: inv.ID, SupplierID: inv.SupplierID, Currency: inv.Currency, AmountMinor: amount, DueDate: inv.DueDate})
	if err != nil || !queued {
		return false, err
	}
	byLine := map[int64]int64{}
	for _, e := range d.Effects() {
		byLine[e.POLineID] += e.Qty
	}
	if err := tx.AddInvoicedQty(byLine); err != nil {
		return false, err
	}
	return true, tx.Audit(actor, "payable.queued", "invoice", inv.ID, inv.SupplierID, nil, map[string]any{"amount_minor": amount, "currency": inv.Currency})
}

// matchInput gathers what the engine needs, under the PO lines' locks.
func (s *Service) matchInput(tx *store.Tx, inv store.Invoice) (matching.Input, error) {
	in := matching.Input{Invoice: matching.Invoice{ID: inv.ID, SupplierID: inv.SupplierID, Number: inv.Number, Date: inv.InvoiceDate,
		Currency: inv.Currency, CreditNote: inv.CreditNote, Tax: inv.TaxMinor, Total: inv.TotalMinor}}
	if inv.UnconfidentFields != "" {
		in.Invoice.UnconfidentFields = strings.Split(inv.UnconfidentFields, ",")
	}
	for _, l := range inv.Lines {
		il := matching.InvoiceLine{SKU: l.SKU, VendorPart: l.VendorPart, Description: l.Description, Qty: l.Quantity, UnitPriceMicros: l.UnitPriceMicros, Amount: l.AmountMinor}
		if l.POLineID != nil {
			il.POLineID = *l.POLineID
		}
		in.Invoice.Lines = append(in.Invoice.Lines, il)
	}
	for _, c := range inv.Charges {
		mc := matching.Charge{Code: c.Code, Description: c.Description, Amount: c.AmountMinor}
		if c.Kind == "allowance" {
			in.Invoice.Allowances = append(in.Invoice.Allowances, mc)
		} else {
			in.Invoice.Charges = append(in.Invoice.Charges, mc)
		}
	}
	priors, err := tx.DuplicateCandidates(inv.SupplierID, inv.ID, matching.NormaliseInvoiceNumber(inv.Number), inv.CreditNote, inv.TotalMinor)
	if err != nil {
		return in, err
	}
	for _, p := range priors {
		in.Priors = append(in.Priors, matching.PriorInvoice{ID: p.ID, Number: p.Number, Date: p.InvoiceDate, Currency: p.Currency, Total: p.TotalMinor, CreditNote: p.CreditNote})
	}
	in.PO = matching.PO{SupplierID: inv.SupplierID, Currency: inv.Currency}
	if inv.POID == nil {
		return in, nil
	}
	po, err := tx.LockPO(*inv.POID, inv.SupplierID)
	if err != nil {
		return in, err
	}
	lines, skus, err := tx.LockPOLinesWithSKU(po.ID)
	if err != nil {
		return in, err
	}
	productIDs := make([]int64, 0, len(lines))
	for _, l := range lines {
		productIDs = append(productIDs, l.ProductID)
	}
	closed := po.Status == store.POStatusClosed || po.Status == store.POStatusReceived || po.Status == store.POStatusCancelled
	in.PO = matching.PO{ID: po.ID, SupplierID: po.SupplierID, Currency: po.Currency}
	for _, l := range lines {
		in.PO.Lines = append(in.PO.Lines, matching.POLine{ID: l.ID, SKU: skus[l.ProductID], VendorPart: l.SupplierPart,
			OrderedQty: l.Quantity - l.CancelledQty, ReceivedQty: l.ReceivedQty, InvoicedQty: l.InvoicedQty, UnitPriceMicros: l.UnitPriceMicros,
			ReceiptClosed: closed || l.ReceivedQty+l.CancelledQty >= l.Quantity})
	}
	in.Tolerances, err = tolerancesTx(tx, inv.SupplierID, productIDs, skus)
	return in, err
}

// tolerancesTx turns stored tolerance rules into the engine's three levels.
func tolerancesTx(tx *store.Tx, supplierID int64, productIDs []int64, skus map[int64]string) (matching.Tolerances, error) {
	var rules []store.ToleranceRule
	q := tx.DB().Where("(supplier_id IS NULL AND product_id IS NULL) OR (supplier_id = ? AND product_id IS NULL)", supplierID)
	if len(productIDs) > 0 {
		q = q.Or("supplier_id IS NULL AND product_id IN ?", productIDs)
	}
	if err := q.Find(&rules).Error; err != nil {
		return matching.Tolerances{}, fault.Wrap(fault.Internal, err, "reading tolerances")
	}
	t := matching.Tolerances{SKU: map[string]matching.Policy{}}
	apply := func(p *matching.Policy, r store.ToleranceRule) {
		band := map[string]*matching.Band{"quantity": &p.Quantity, "price": &p.UnitPrice, "amount": &p.Amount, "charges": &p.Charges}[r.Kind]
		if band != nil {
			band.Upper = matching.Bound{PercentBP: r.PctUpperBP, Absolute: r.AbsUpper}
			band.Lower = matching.Bound{PercentBP: r.PctLowerBP, Absolute: r.AbsLower}
		}
	}
	for _, r := range rules {
		switch {
		case r.SupplierID != nil:
			apply(&t.Supplier, r)
		case r.ProductID != nil:
			sku := skus[*r.ProductID]
			pol := t.SKU[sku]
			apply(&pol, r)
			t.SKU[sku] = pol
		default:
			apply(&t.Brand, r)
		}
	}
	return t, nil
}

func latestRunTx(tx *store.Tx, invoiceID int64) (store.MatchRun, error) {
	var r store.MatchRun
	err := tx.DB().Where("invoice_id = ?", invoiceID).Order("id DESC").Take(&r).Error
	return r, err
}

// LatestDecision returns the decision of an invoice's newest match run, for
// pages that explain it.
func (s *Service) LatestDecision(ctx context.Context, invoiceID int64) (matching.Decision, error) {
	var d matching.Decision
	run, err := s.Store.LatestMatchRun(ctx, invoiceID)
	if err != nil {
		return d, err
	}
	if err := json.Unmarshal([]byte(run.DecisionJSON), &d); err != nil {
		return d, fault.Wrap(fault.Internal, err, "reading match decision")
	}
	return d, nil
}

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
	d, status := decide(&in, inv.POID != nil)
	inJSON, _ := json.Marshal(in)
	dJSON, _ := json.Marshal(d)
	if err := tx.RecordMatchRuns([]store.MatchRun{{InvoiceID: inv.ID, Outcome: string(d.Outcome), InputJSON: string(inJSON), DecisionJSON: string(dJSON)}}); err != nil {
		return res, err
	}
	before := inv.Status
	if err := tx.SaveInvoiceHeader(&inv, matchFields(d, status)); err != nil {
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

// decide runs the engine and maps its outcome to an invoice status. An
// invoice that names no PO of its supplier cannot be matched.
func decide(in *matching.Input, hasPO bool) (matching.Decision, string) {
	d := matching.Match(in)
	if !hasPO {
		d.Outcome = matching.Exception
		d.Reasons = append(d.Reasons, matching.Reason{Code: "no_purchase_order", Message: "the invoice names no purchase order of yours; add the PO number"})
	}
	status := map[matching.Outcome]string{matching.Matched: store.InvoiceMatched, matching.AwaitingReceipt: store.InvoiceAwaitingReceipt}[d.Outcome]
	if status == "" {
		status = store.InvoiceException
	}
	return d, status
}

// matchFields are the header columns a match run writes.
func matchFields(d matching.Decision, status string) map[string]any {
	return map[string]any{"status": status, "match_outcome": string(d.Outcome), "match_reasons": strings.Join(d.Messages(), "\n")}
}

// release puts an invoice in the payable queue once and records what it
// claimed of each PO line.
func (s *Service) release(tx *store.Tx, actor store.Actor, inv store.Invoice, d matching.Decision) (bool, error) {
	amount := payableAmount(inv, d)
	queued, err := tx.QueuePayable(store.Payable{InvoiceID: inv.ID, SupplierID: inv.SupplierID, Currency: inv.Currency, AmountMinor: amount, DueDate: inv.DueDate})
	if err != nil || !queued {
		return false, err
	}
	if err := tx.AddInvoicedQty(invoicedByLine(d, nil)); err != nil {
		return false, err
	}
	return true, tx.Audit(actor, "payable.queued", "invoice", inv.ID, inv.SupplierID, nil, payableQueuedAudit(amount, inv.Currency))
}

// payableAmount is what a released invoice adds to the amount owed: the
// engine's figure, or the stated total (negative for a credit note) for a
// decision without one (an exception accepted before any run).
func payableAmount(inv store.Invoice, d matching.Decision) int64 {
	amount := d.Payable
	if amount == 0 && inv.TotalMinor != 0 {
		amount = inv.TotalMinor
		if inv.CreditNote {
			amount = -amount
		}
	}
	return amount
}

func payableQueuedAudit(amount int64, currency string) map[string]any {
	return map[string]any{"amount_minor": amount, "currency": currency}
}

// invoicedByLine adds a released decision's quantity effects per PO line
// to into (a new map when nil) and returns it.
func invoicedByLine(d matching.Decision, into map[int64]int64) map[int64]int64 {
	if into == nil {
		into = map[int64]int64{}
	}
	for _, e := range d.Effects() {
		into[e.POLineID] += e.Qty
	}
	return into
}

// matchInput gathers what the engine needs for a stored invoice, under the
// PO's and its lines' locks.
func (s *Service) matchInput(tx *store.Tx, inv store.Invoice) (matching.Input, error) {
	in := matching.Input{Invoice: engineInvoice(inv), PO: matching.PO{SupplierID: inv.SupplierID, Currency: inv.Currency}}
	var lines []store.POLine
	var skus map[int64]string
	if inv.POID != nil {
		pos, err := tx.LockPOsOf([]int64{inv.SupplierID}, []int64{*inv.POID}, nil)
		if err != nil {
			return in, err
		}
		if len(pos) == 0 || pos[0].SupplierID != inv.SupplierID {
			return in, fault.New(fault.NotFound, "purchase order not found")
		}
		if lines, skus, err = tx.LockPOLinesWithSKU([]int64{pos[0].ID}); err != nil {
			return in, err
		}
		in.PO = poSide(pos[0], lines, skus)
	}
	cands, err := tx.DuplicateCandidates([]store.DuplicateKey{duplicateKey(inv)})
	if err != nil {
		return in, err
	}
	in.Priors = priorsFor(cands, &inv)
	if inv.POID == nil {
		return in, nil
	}
	rules, err := tx.MatchToleranceRules([]int64{inv.SupplierID}, productIDsOf(lines))
	if err != nil {
		return in, err
	}
	in.Tolerances = tolerancesFor(rules, inv.SupplierID, lines, skus)
	return in, nil
}

// engineInvoice is the engine's view of an invoice as stored.
func engineInvoice(inv store.Invoice) matching.Invoice {
	out := matching.Invoice{ID: inv.ID, SupplierID: inv.SupplierID, Number: inv.Number, Date: inv.InvoiceDate,
		Currency: inv.Currency, CreditNote: inv.CreditNote, Tax: inv.TaxMinor, Total: inv.TotalMinor}
	if inv.UnconfidentFields != "" {
		out.UnconfidentFields = strings.Split(inv.UnconfidentFields, ",")
	}
	for _, l := range inv.Lines {
		il := matching.InvoiceLine{SKU: l.SKU, VendorPart: l.VendorPart, Description: l.Description, Qty: l.Quantity, UnitPriceMicros: l.UnitPriceMicros, Amount: l.AmountMinor}
		if l.POLineID != nil {
			il.POLineID = *l.POLineID
		}
		out.Lines = append(out.Lines, il)
	}
	for _, c := range inv.Charges {
		mc := matching.Charge{Code: c.Code, Description: c.Description, Amount: c.AmountMinor}
		if c.Kind == "allowance" {
			out.Allowances = append(out.Allowances, mc)
		} else {
			out.Charges = append(out.Charges, mc)
		}
	}
	return out
}

func duplicateKey(inv store.Invoice) store.DuplicateKey {
	return store.DuplicateKey{SupplierID: inv.SupplierID, NumberNormalised: inv.NumberNormalised, TotalMinor: inv.TotalMinor}
}

// priorsFor picks, in order, the candidates (see store.DuplicateCandidates)
// the duplicate check of inv looks at: other live documents of its
// supplier and kind with its normalised number or its total.
func priorsFor(cands []store.Invoice, inv *store.Invoice) []matching.PriorInvoice {
	var out []matching.PriorInvoice
	for i := range cands {
		p := &cands[i]
		if p.SupplierID != inv.SupplierID || p.ID == inv.ID || p.CreditNote != inv.CreditNote ||
			(p.TotalMinor != inv.TotalMinor && (inv.NumberNormalised == "" || p.NumberNormalised != inv.NumberNormalised)) {
			continue
		}
		// UTC as stored and as the invoice's own date: PostgreSQL's driver
		// answers in the process's zone, which would move the civil day the
		// near-duplicate window counts.
		out = append(out, matching.PriorInvoice{ID: p.ID, Number: p.Number, Date: p.InvoiceDate.UTC(), Currency: p.Currency, Total: p.TotalMinor, CreditNote: p.CreditNote})
	}
	return out
}

// poSide is the engine's view of a PO and its lines (in line order) with
// their products' SKUs.
func poSide(po store.PurchaseOrder, lines []store.POLine, skus map[int64]string) matching.PO {
	closed := po.Status == store.POStatusClosed || po.Status == store.POStatusReceived || po.Status == store.POStatusCancelled
	out := matching.PO{ID: po.ID, SupplierID: po.SupplierID, Currency: po.Currency, Lines: make([]matching.POLine, 0, len(lines))}
	for _, l := range lines {
		out.Lines = append(out.Lines, matching.POLine{ID: l.ID, SKU: skus[l.ProductID], VendorPart: l.SupplierPart,
			OrderedQty: l.Quantity - l.CancelledQty, ReceivedQty: l.ReceivedQty, InvoicedQty: l.InvoicedQty, UnitPriceMicros: l.UnitPriceMicros,
			ReceiptClosed: closed || l.ReceivedQty+l.CancelledQty >= l.Quantity})
	}
	return out
}

// tolerancesFor turns the stored rules (store.MatchToleranceRules) that
// apply to an invoice of supplierID over the PO lines into the engine's
// three levels.
func tolerancesFor(rules []store.ToleranceRule, supplierID int64, lines []store.POLine, skus map[int64]string) matching.Tolerances {
	onPO := make(map[int64]bool, len(lines))
	for _, l := range lines {
		onPO[l.ProductID] = true
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
		case r.SupplierID != nil && r.ProductID == nil && *r.SupplierID == supplierID:
			apply(&t.Supplier, r)
		case r.SupplierID == nil && r.ProductID != nil && onPO[*r.ProductID]:
			sku := skus[*r.ProductID]
			pol := t.SKU[sku]
			apply(&pol, r)
			t.SKU[sku] = pol
		case r.SupplierID == nil && r.ProductID == nil:
			apply(&t.Brand, r)
		}
	}
	return t
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

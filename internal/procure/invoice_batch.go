package procure

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// MaxInvoiceBatch is the most invoices SubmitInvoices takes at once: a
// batch holds its POs' locks until it commits, so a bigger one would make
// receipts and other invoices on those POs wait longer for little gain.
const MaxInvoiceBatch = 500

// InvoiceOutcome is what became of one invoice of a batch: its result, or
// the error that kept it out (nothing of it is stored then).
type InvoiceOutcome struct {
	InvoiceResult
	Err error
}

// SubmitInvoices stores and matches many invoices (an 810 file, an upload,
// an API call) in order, with the same result as SubmitInvoice called for
// each in turn: a later invoice sees the goods an earlier one claimed and
// is checked against it for duplicates. The whole batch runs in one
// transaction of a few round trips (locks, reads and one multi-row write
// per table), and each invoice's audit events commit with it. An invoice
// the checks refuse does not stop the others; if the batch transaction
// fails, each invoice is retried in its own transaction so one bad invoice
// cannot sink the rest. The error is for the whole call (role, size);
// per-invoice errors are in the outcomes, which follow ins.
func (s *Service) SubmitInvoices(ctx context.Context, actor store.Actor, ins []InvoiceInput) ([]InvoiceOutcome, error) {
	if err := requireInvoiceActor(actor); err != nil {
		return nil, err
	}
	if len(ins) > MaxInvoiceBatch {
		return nil, fault.FieldErr("invoices", "at most %d invoices at once, got %d", MaxInvoiceBatch, len(ins))
	}
	out := make([]InvoiceOutcome, len(ins))
	batch := make([]InvoiceInput, 0, len(ins))
	at := make([]int, 0, len(ins)) // batch[k] is ins[at[k]]
	for i, in := range ins {
		if err := prepareInvoiceInput(actor, &in); err != nil {
			out[i].Err = err
			continue
		}
		batch = append(batch, in)
		at = append(at, i)
	}
	if len(batch) == 0 {
		return out, nil
	}
	var subs []invoiceSubmission
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		subs, err = s.submitInvoicesTx(tx, actor, batch)
		return err
	})
	if err == nil {
		for k, sub := range subs {
			out[at[k]] = InvoiceOutcome{InvoiceResult: sub.res, Err: sub.err}
		}
		return out, nil
	}
	s.Log.Warn("invoice batch failed; submitting its invoices one by one", "invoices", len(batch), "error", err)
	for k, in := range batch {
		res, err := s.submitPrepared(ctx, actor, in)
		out[at[k]] = InvoiceOutcome{InvoiceResult: res, Err: err}
	}
	return out, nil
}

// invoiceSubmission is one invoice's part of submitInvoicesTx: its result,
// or the error that kept it out of the batch before anything was written.
type invoiceSubmission struct {
	res InvoiceResult
	err error
}

// decided is an invoice matched in memory, waiting to be written.
type decided struct {
	inv      store.Invoice
	in       matching.Input
	d        matching.Decision
	received map[string]any // the invoice.received audit snapshot
	payable  int64          // amount queued, when matched
}

// submitInvoicesTx stores and matches validated invoices in tx, in order.
// Everything is read first (POs and their lines locked, tolerance rules,
// duplicate candidates: one query each for the whole batch), each invoice
// is matched in memory against the PO lines as the invoices before it left
// them, then everything is written with one multi-row statement per table.
// An invoice whose PO cannot be found gets its error and is skipped, as
// SubmitInvoice would refuse it alone; any other error fails the batch.
func (s *Service) submitInvoicesTx(tx *store.Tx, actor store.Actor, ins []InvoiceInput) ([]invoiceSubmission, error) {
	subs := make([]invoiceSubmission, len(ins))
	pos, err := invoicePOs(tx, ins, subs)
	if err != nil {
		return nil, err
	}
	var poIDs, supplierIDs []int64
	for i, po := range pos {
		if po != nil {
			poIDs = append(poIDs, po.ID)
			supplierIDs = append(supplierIDs, ins[i].SupplierID)
		}
	}
	slices.Sort(poIDs)
	poIDs = slices.Compact(poIDs)
	lines, skus, err := tx.LockPOLinesWithSKU(poIDs)
	if err != nil {
		return nil, err
	}
	linesOf := map[int64][]store.POLine{} // windows of lines: invoiced quantities change in place
	for lo := 0; lo < len(lines); {
		hi := lo + 1
		for hi < len(lines) && lines[hi].POID == lines[lo].POID {
			hi++
		}
		linesOf[lines[lo].POID] = lines[lo:hi:hi]
		lo = hi
	}
	var rules []store.ToleranceRule
	if len(poIDs) > 0 {
		slices.Sort(supplierIDs)
		if rules, err = tx.MatchToleranceRules(slices.Compact(supplierIDs), productIDsOf(lines)); err != nil {
			return nil, err
		}
	}
	todo := make([]store.Invoice, len(ins))
	var keys []store.DuplicateKey
	for i, in := range ins {
		if subs[i].err == nil {
			todo[i] = newInvoice(in, pos[i])
			keys = append(keys, duplicateKey(todo[i]))
		}
	}
	// Existing candidates in id order, then the batch's earlier invoices in
	// order as they are decided (with ids -1, -2, … until inserted): the
	// priors each would have seen had they been submitted one by one.
	cands, err := tx.DuplicateCandidates(keys)
	if err != nil {
		return nil, err
	}
	batch := make([]decided, 0, len(ins))
	for i := range ins {
		if subs[i].err != nil {
			continue
		}
		inv := todo[i]
		dc := decided{received: invoiceSnapshot(inv), in: matching.Input{Invoice: engineInvoice(inv), Priors: priorsFor(cands, &inv),
			PO: matching.PO{SupplierID: inv.SupplierID, Currency: inv.Currency}}}
		if po := pos[i]; po != nil {
			polines := linesOf[po.ID]
			dc.in.PO = poSide(*po, polines, skus)
			dc.in.Tolerances = tolerancesFor(rules, inv.SupplierID, polines, skus)
		}
		d, status := decide(&dc.in, pos[i] != nil)
		if status == store.InvoiceMatched {
			dc.payable = payableAmount(inv, d)
			polines := linesOf[*inv.POID]
			for _, e := range d.Effects() {
				for j := range polines {
					if polines[j].ID == e.POLineID {
						polines[j].InvoicedQty += e.Qty
					}
				}
			}
		}
		inv.Status, inv.MatchOutcome, inv.MatchReasons = status, string(d.Outcome), strings.Join(d.Messages(), "\n")
		inv.UpdatedAt = tx.Now().UTC().Truncate(time.Microsecond)
		dc.inv, dc.d = inv, d
		batch = append(batch, dc)
		prior := inv
		prior.ID = -int64(len(batch))
		cands = append(cands, prior)
	}
	if err := writeInvoices(tx, actor, batch); err != nil {
		return nil, err
	}
	k := 0
	for i := range subs {
		if subs[i].err == nil {
			dc := &batch[k]
			subs[i].res = InvoiceResult{Invoice: dc.inv, Decision: dc.d, Queued: dc.inv.Status == store.InvoiceMatched}
			k++
		}
	}
	return subs, nil
}

// writeInvoices writes decided invoices with one multi-row statement per
// table (per store.BatchSize rows): headers, lines and charges, match runs,
// payables, invoiced quantities, and the audit events each invoice would
// have had alone (received, matched, payable queued), in order.
func writeInvoices(tx *store.Tx, actor store.Actor, batch []decided) error {
	if len(batch) == 0 {
		return nil
	}
	invs := make([]store.Invoice, len(batch))
	for k := range batch {
		invs[k] = batch[k].inv
	}
	if err := tx.InsertInvoices(invs); err != nil {
		return err
	}
	runs := make([]store.MatchRun, 0, len(batch))
	var payables []store.Payable
	invoiced := map[int64]int64{}
	evs := make([]store.AuditEvent, 0, 3*len(batch))
	audit := func(inv store.Invoice, action string, before, after any) error {
		ev, err := tx.AuditEvent(actor, action, "invoice", inv.ID, inv.SupplierID, before, after)
		evs = append(evs, ev)
		return err
	}
	for k := range batch {
		dc := &batch[k]
		dc.inv = invs[k]
		inv := dc.inv
		dc.in.Invoice.ID = inv.ID
		// Earlier invoices of the batch have their ids now.
		for j := range dc.in.Priors {
			if id := dc.in.Priors[j].ID; id < 0 {
				dc.in.Priors[j].ID = invs[-id-1].ID
			}
		}
		for _, r := range dc.d.Reasons {
			if r.Prior != nil && r.Prior.ID < 0 {
				r.Prior.ID = invs[-r.Prior.ID-1].ID
			}
		}
		inJSON, err := json.Marshal(dc.in)
		if err != nil {
			return fault.Wrap(fault.Internal, err, "recording match input")
		}
		dJSON, err := json.Marshal(dc.d)
		if err != nil {
			return fault.Wrap(fault.Internal, err, "recording match decision")
		}
		runs = append(runs, store.MatchRun{InvoiceID: inv.ID, Outcome: string(dc.d.Outcome), InputJSON: string(inJSON), DecisionJSON: string(dJSON)})
		if err := audit(inv, "invoice.received", nil, dc.received); err != nil {
			return err
		}
		if err := audit(inv, "invoice.matched", map[string]string{"status": store.InvoiceException},
			map[string]any{"status": inv.Status, "reasons": dc.d.Codes()}); err != nil {
			return err
		}
		if inv.Status != store.InvoiceMatched {
			continue
		}
		payables = append(payables, store.Payable{InvoiceID: inv.ID, SupplierID: inv.SupplierID, Currency: inv.Currency, AmountMinor: dc.payable, DueDate: inv.DueDate})
		invoicedByLine(dc.d, invoiced)
		if err := audit(inv, "payable.queued", nil, payableQueuedAudit(dc.payable, inv.Currency)); err != nil {
			return err
		}
	}
	if err := tx.RecordMatchRuns(runs); err != nil {
		return err
	}
	if len(payables) > 0 {
		if err := tx.QueueNewPayables(payables); err != nil {
			return err
		}
	}
	if err := tx.AddInvoicedQty(invoiced); err != nil {
		return err
	}
	return tx.AppendAudit(evs)
}

// invoicePOs finds and locks the purchase order each invoice bills, scoped
// to its supplier: by id, by number, or through the PO line ids of its
// lines (none: the invoice is matched as an exception). One statement locks
// every PO of the batch, in id order. An invoice naming a PO its supplier
// does not have gets its error in subs.
func invoicePOs(tx *store.Tx, ins []InvoiceInput, subs []invoiceSubmission) ([]*store.PurchaseOrder, error) {
	ids := make([]int64, len(ins)) // by id (given or through a line); 0 by number or none
	var lineIDs []int64
	for i, in := range ins {
		ids[i] = in.POID
		if in.POID == 0 && strings.TrimSpace(in.PONumber) == "" {
			for _, l := range in.Lines {
				if l.POLineID != 0 {
					lineIDs = append(lineIDs, l.POLineID)
				}
			}
		}
	}
	if len(lineIDs) > 0 {
		owners, err := tx.POLineOwners(lineIDs)
		if err != nil {
			return nil, err
		}
		ownerOf := make(map[int64]store.POLine, len(owners))
		for _, o := range owners {
			ownerOf[o.ID] = o
		}
		for i, in := range ins {
			if in.POID != 0 || strings.TrimSpace(in.PONumber) != "" {
				continue
			}
			for _, l := range in.Lines {
				if o, ok := ownerOf[l.POLineID]; ok && o.SupplierID == in.SupplierID {
					ids[i] = o.POID
					break
				}
			}
		}
	}
	var supplierIDs, byID []int64
	var byNumber []string
	for i, in := range ins {
		switch {
		case ids[i] != 0:
			byID = append(byID, ids[i])
		case strings.TrimSpace(in.PONumber) != "":
			byNumber = append(byNumber, strings.TrimSpace(in.PONumber))
		default:
			continue
		}
		supplierIDs = append(supplierIDs, in.SupplierID)
	}
	slices.Sort(supplierIDs)
	locked, err := tx.LockPOsOf(slices.Compact(supplierIDs), byID, byNumber)
	if err != nil {
		return nil, err
	}
	withID := make(map[int64]*store.PurchaseOrder, len(locked))
	withNumber := make(map[string]*store.PurchaseOrder, len(locked))
	for j := range locked {
		withID[locked[j].ID] = &locked[j]
		withNumber[locked[j].Number] = &locked[j]
	}
	out := make([]*store.PurchaseOrder, len(ins))
	for i, in := range ins {
		number := strings.TrimSpace(in.PONumber)
		var po *store.PurchaseOrder
		switch {
		case ids[i] != 0:
			po = withID[ids[i]]
		case number != "":
			po = withNumber[number]
		default:
			continue
		}
		if po != nil && po.SupplierID == in.SupplierID {
			out[i] = po
		}
		if out[i] == nil {
			what := in.PONumber
			if what == "" {
				what = strconv.FormatInt(ids[i], 10)
			}
			subs[i].err = fault.FieldErr("po", "purchase order %s not found for this supplier", what)
		}
	}
	return out, nil
}

package procure

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// Resolutions accounts payable can give an invoice in exception.
const (
	ResolveAccept        = "accept"         // pay it anyway, with a reason
	ResolveReject        = "reject"         // back to the supplier, with a reason
	ResolveRequestCredit = "request_credit" // ask the supplier for a credit note
)

// ResolveException records accounts payable's decision on an invoice in
// exception. Accepting releases it to the payable queue (once).
func (s *Service) ResolveException(ctx context.Context, actor store.Actor, invoiceID int64, action, reason string) (store.Invoice, error) {
	var inv store.Invoice
	if err := require(actor, store.RoleAP); err != nil {
		return inv, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return inv, fault.FieldErr("reason", "say why; the supplier and the audit trail see it")
	}
	next := map[string]string{ResolveAccept: store.InvoiceAccepted, ResolveReject: store.InvoiceRejected, ResolveRequestCredit: store.InvoiceCreditRequested}[action]
	if next == "" {
		return inv, fault.FieldErr("action", "must be accept, reject or request_credit")
	}
	var supplier store.Supplier
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		inv, err = tx.LockInvoice(invoiceID, 0)
		if err != nil {
			return err
		}
		if inv.Status != store.InvoiceException && inv.Status != store.InvoiceCreditRequested {
			return fault.New(fault.Conflict, "invoice %s is %s; only invoices in exception can be resolved", inv.Number, strings.ReplaceAll(inv.Status, "_", " "))
		}
		before := inv.Status
		if err := tx.SaveInvoiceHeader(&inv, map[string]any{"status": next, "resolution": action, "resolution_reason": reason}); err != nil {
			return err
		}
		if err := tx.Audit(actor, "invoice."+action, "invoice", inv.ID, inv.SupplierID, map[string]string{"status": before}, map[string]string{"status": next, "reason": reason}); err != nil {
			return err
		}
		if supplier, err = tx.Supplier(inv.SupplierID); err != nil {
			return err
		}
		if next != store.InvoiceAccepted {
			return nil
		}
		var d matching.Decision
		if run, err := latestRunTx(tx, inv.ID); err == nil {
			json.Unmarshal([]byte(run.DecisionJSON), &d)
		}
		_, err = s.release(tx, actor, inv, d)
		return err
	})
	if err == nil && next != store.InvoiceAccepted && s.Mail != nil && supplier.Email != "" {
		what := "rejected"
		if next == store.InvoiceCreditRequested {
			what = "in need of a credit note"
		}
		if merr := s.Mail.Send(ctx, Mail{To: []string{supplier.Email}, Subject: fmt.Sprintf("Invoice %s %s", inv.Number, what),
			Text: fmt.Sprintf("Your invoice %s is %s.\n\nReason: %s\n\nPlease see the supplier portal for details.", inv.Number, what, reason)}); merr != nil {
			s.Log.Warn("invoice resolution mail failed", "invoice", inv.ID, "error", merr)
		}
	}
	return inv, err
}

// FlipPO turns a PO into an invoice draft for its supplier: one line per PO
// line with the PO price, for the received-and-not-yet-invoiced quantity
// (or the open ordered quantity when nothing was received yet). The
// supplier confirms or edits it before SubmitInvoice.
func (s *Service) FlipPO(ctx context.Context, actor store.Actor, poID int64) (InvoiceInput, error) {
	var in InvoiceInput
	po, err := s.Store.PO(ctx, poID, scope(actor))
	if err != nil {
		return in, err
	}
	if po.Status == store.POStatusDraft || po.Status == store.POStatusPendingApproval || po.Status == store.POStatusCancelled {
		return in, fault.New(fault.Conflict, "purchase order %s is %s and cannot be invoiced", po.Number, strings.ReplaceAll(po.Status, "_", " "))
	}
	exp, _ := matching.CurrencyExponent(po.Currency)
	in = InvoiceInput{SupplierID: po.SupplierID, POID: po.ID, PONumber: po.Number, Currency: po.Currency, Date: s.now(), Source: "flip", SourceRef: po.Number}
	anyReceived := false
	for _, l := range po.Lines {
		if l.ReceivedQty > 0 {
			anyReceived = true
		}
	}
	for _, l := range po.Lines {
		qty := l.ReceivedQty - l.InvoicedQty
		if !anyReceived {
			qty = l.Quantity - l.CancelledQty - l.InvoicedQty
		}
		if qty <= 0 {
			continue
		}
		amt := matching.LineAmount(qty, l.UnitPriceMicros, exp)
		in.Lines = append(in.Lines, InvoiceLineInput{POLineID: l.ID, VendorPart: l.SupplierPart, Description: l.Description,
			Quantity: qty, UnitPriceMicros: l.UnitPriceMicros, AmountMinor: amt})
		in.TotalMinor += amt
	}
	if len(in.Lines) == 0 {
		return in, fault.New(fault.Conflict, "nothing on purchase order %s is left to invoice", po.Number)
	}
	return in, nil
}

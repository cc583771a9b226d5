package demo

import (
	"context"
	"fmt"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// Flows runs the rest of the loop on a freshly seeded demo with the real
// commands, so every page has something to show: goods shipped and received
// (Receiving), an invoice in exception for accounts payable, a matched one in
// the payable queue, and this month's scorecards.
func Flows(ctx context.Context, s *store.Store, svc *procure.Service) error {
	numbers, err := Receiving(ctx, s, svc)
	if err != nil {
		return err
	}
	if len(numbers) == 0 {
		return fmt.Errorf("demo flows: no received PO")
	}
	po, err := s.POByNumber(ctx, numbers[0], 0)
	if err != nil {
		return fmt.Errorf("demo flows: %w", err)
	}
	u, err := s.UserByEmail(ctx, "acme@demo.pogate")
	if err != nil {
		return fmt.Errorf("demo flows: %w", err)
	}
	supplier := u.Actor("portal")
	exp, _ := matching.CurrencyExponent(po.Currency)
	invoice := func(number string, l store.POLine, qty, priceMicros int64) procure.InvoiceInput {
		amt := matching.LineAmount(qty, priceMicros, exp)
		return procure.InvoiceInput{POID: po.ID, Number: number, Date: s.Now(), Currency: po.Currency, Source: "api",
			Lines:      []procure.InvoiceLineInput{{POLineID: l.ID, VendorPart: l.SupplierPart, Description: l.Description, Quantity: qty, UnitPriceMicros: priceMicros, AmountMinor: amt}},
			TotalMinor: amt}
	}
	// Line 2 billed 8% above the PO price: an exception with its reason.
	l2 := po.Lines[1]
	if _, err := svc.SubmitInvoice(ctx, supplier, invoice("ACME-INV-2001", l2, l2.ReceivedQty, cents(l2.UnitPriceMicros*108/100))); err != nil {
		return fmt.Errorf("demo invoice in exception: %w", err)
	}
	// Line 1 billed for what was received, at the PO price: matched and queued.
	l1 := po.Lines[0]
	if _, err := svc.SubmitInvoice(ctx, supplier, invoice("ACME-INV-2002", l1, l1.ReceivedQty, l1.UnitPriceMicros)); err != nil {
		return fmt.Errorf("demo matched invoice: %w", err)
	}
	if _, err := svc.RecomputeRecentScorecards(ctx, actor); err != nil {
		return fmt.Errorf("demo scorecards: %w", err)
	}
	return nil
}

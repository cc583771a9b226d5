package procure

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// InvoiceLineInput is one billed line. POLineID is known for PO flips and
// 810s with line numbers; otherwise SKU or vendor part find the PO line.
type InvoiceLineInput struct {
	POLineID        int64  `json:"po_line_id,omitempty"`
	SKU             string `json:"sku,omitempty"`
	VendorPart      string `json:"vendor_part,omitempty"`
	Description     string `json:"description,omitempty"`
	Quantity        int64  `json:"quantity"`
	UnitPriceMicros int64  `json:"unit_price_micros"`
	AmountMinor     int64  `json:"amount_minor"`
}

// ChargeInput is a header charge or allowance in minor units.
type ChargeInput struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	AmountMinor int64  `json:"amount_minor"`
}

// InvoiceInput is an invoice from any source: PO flip, PDF or Excel
// extraction, an 810, or the API. Amounts are minor units of Currency.
type InvoiceInput struct {
	// SupplierID is ignored for supplier actors and EDI partners: theirs is used.
	SupplierID int64
	POID       int64
	PONumber   string
	Number     string
	Date       time.Time
	DueDate    *time.Time
	Currency   string
	CreditNote bool
	// Source is flip, pdf, xlsx, edi or api; SourceRef points at the stored
	// document (EDI file id, upload hash) kept as the legal original.
	Source     string
	SourceRef  string
	Lines      []InvoiceLineInput
	Charges    []ChargeInput
	Allowances []ChargeInput
	TaxMinor   int64
	TotalMinor int64
	// UnconfidentFields names fields an extractor could not read with
	// confidence; any entry sends the invoice to accounts payable.
	UnconfidentFields []string
}

// InvoiceResult is a stored invoice and the decision of its match run.
type InvoiceResult struct {
	Invoice  store.Invoice
	Decision matching.Decision
	// Queued is true when this call put the invoice in the payable queue.
	Queued bool
}

// SubmitInvoice stores an invoice and matches it in the same transaction:
// a matched invoice is queued for payment, one waiting for goods is
// re-matched when they arrive, any other outcome goes to accounts payable
// with its reasons. It is a batch of one (see SubmitInvoices), so both give
// the same result by construction.
func (s *Service) SubmitInvoice(ctx context.Context, actor store.Actor, in InvoiceInput) (InvoiceResult, error) {
	if err := requireInvoiceActor(actor); err != nil {
		return InvoiceResult{}, err
	}
	if err := prepareInvoiceInput(actor, &in); err != nil {
		return InvoiceResult{}, err
	}
	return s.submitPrepared(ctx, actor, in)
}

// submitPrepared submits one validated invoice in its own transaction.
func (s *Service) submitPrepared(ctx context.Context, actor store.Actor, in InvoiceInput) (InvoiceResult, error) {
	var res InvoiceResult
	err := s.Store.InTx(ctx, func(tx *store.Tx) error {
		subs, err := s.submitInvoicesTx(tx, actor, []InvoiceInput{in})
		if err != nil {
			return err
		}
		res = subs[0].res
		return subs[0].err
	})
	return res, err
}

// requireInvoiceActor lets suppliers (users, tokens, EDI partners) invoice
// for themselves, and buyers and accounts payable for any supplier.
func requireInvoiceActor(actor store.Actor) error {
	if actor.IsSupplier() {
		return nil
	}
	return require(actor, store.RoleBuyer, store.RoleAP)
}

// prepareInvoiceInput forces a supplier actor's own supplier and validates.
func prepareInvoiceInput(actor store.Actor, in *InvoiceInput) error {
	if actor.IsSupplier() {
		in.SupplierID = actor.SupplierID
	}
	return validateInvoiceInput(in)
}

// newInvoice is the invoice to store for in, billing po (nil: none), before
// matching: status exception until the engine decides.
func newInvoice(in InvoiceInput, po *store.PurchaseOrder) store.Invoice {
	inv := store.Invoice{
		SupplierID: in.SupplierID, Number: strings.TrimSpace(in.Number), NumberNormalised: matching.NormaliseInvoiceNumber(in.Number),
		// as the database keeps it (microseconds, UTC), so a later invoice
		// of the same batch sees it as it would after a commit
		InvoiceDate: in.Date.UTC().Truncate(time.Microsecond), DueDate: in.DueDate, Currency: strings.ToUpper(in.Currency), CreditNote: in.CreditNote,
		Source: in.Source, SourceRef: in.SourceRef, Status: store.InvoiceException, TaxMinor: in.TaxMinor, TotalMinor: in.TotalMinor,
		UnconfidentFields: strings.Join(in.UnconfidentFields, ","), Version: 1,
	}
	if po != nil {
		id := po.ID
		inv.POID = &id
	}
	for i, l := range in.Lines {
		il := store.InvoiceLine{LineNo: i + 1, SKU: l.SKU, VendorPart: l.VendorPart, Description: l.Description, Quantity: l.Quantity,
			UnitPriceMicros: l.UnitPriceMicros, AmountMinor: l.AmountMinor}
		if l.POLineID != 0 {
			id := l.POLineID
			il.POLineID = &id
		}
		inv.LinesMinor += l.AmountMinor
		inv.Lines = append(inv.Lines, il)
	}
	for _, c := range in.Charges {
		inv.ChargesMinor += c.AmountMinor
		inv.Charges = append(inv.Charges, store.InvoiceCharge{Kind: "charge", Code: strings.ToUpper(c.Code), Description: c.Description, AmountMinor: c.AmountMinor})
	}
	for _, c := range in.Allowances {
		inv.AllowancesMinor += c.AmountMinor
		inv.Charges = append(inv.Charges, store.InvoiceCharge{Kind: "allowance", Code: strings.ToUpper(c.Code), Description: c.Description, AmountMinor: c.AmountMinor})
	}
	return inv
}

func validateInvoiceInput(in *InvoiceInput) error {
	switch {
	case in.SupplierID <= 0:
		return fault.FieldErr("supplier_id", "is required")
	case strings.TrimSpace(in.Number) == "":
		return fault.FieldErr("number", "the invoice number is required")
	case in.Date.IsZero():
		return fault.FieldErr("date", "the invoice date is required")
	case len(in.Lines) == 0:
		return fault.FieldErr("lines", "an invoice needs at least one line")
	}
	if _, ok := matching.CurrencyExponent(in.Currency); !ok {
		return fault.FieldErr("currency", "unknown currency %q", in.Currency)
	}
	if in.Source == "" {
		in.Source = "api"
	}
	for i, l := range in.Lines {
		if l.Quantity <= 0 {
			return fault.FieldErr("lines["+strconv.Itoa(i)+"].quantity", "must be a positive whole number (a credit note states positive quantities), got %d", l.Quantity)
		}
		if l.UnitPriceMicros < 0 || l.AmountMinor < 0 {
			return fault.FieldErr("lines["+strconv.Itoa(i)+"].amount", "prices and amounts are stated as positive numbers")
		}
	}
	for _, c := range append(append([]ChargeInput(nil), in.Charges...), in.Allowances...) {
		if c.AmountMinor < 0 {
			return fault.FieldErr("charges", "charges and allowances are stated as positive numbers")
		}
	}
	if in.TaxMinor < 0 || in.TotalMinor < 0 {
		return fault.FieldErr("total", "tax and total are stated as positive numbers (use credit_note for credits)")
	}
	return nil
}

func invoiceSnapshot(inv store.Invoice) map[string]any {
	return map[string]any{"number": inv.Number, "total_minor": inv.TotalMinor, "currency": inv.Currency, "credit_note": inv.CreditNote,
		"source": inv.Source, "lines": len(inv.Lines), "status": inv.Status}
}

// GetInvoice returns an invoice the actor may see.
func (s *Service) GetInvoice(ctx context.Context, actor store.Actor, id int64) (store.Invoice, error) {
	return s.Store.Invoice(ctx, id, scope(actor))
}

// ListInvoices lists invoices the actor may see.
func (s *Service) ListInvoices(ctx context.Context, actor store.Actor, f store.InvoiceFilter, page store.Page) ([]store.Invoice, int64, error) {
	if sc := scope(actor); sc != 0 {
		f.SupplierID = sc
	}
	return s.Store.Invoices(ctx, f, page)
}

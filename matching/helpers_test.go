package matching

import (
	"slices"
	"testing"
	"time"
)

// Figures of the standard scenario: one PO line of 500 widgets at 10.00 USD,
// all received, invoiced once in full.
const (
	price10      = 10_000_000 // 10.00 in micro-units
	supplierID   = 7
	widgetLineID = 101
)

var invoiceDate = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func baseInput() *Input {
	return &Input{
		PO: PO{
			ID: 1, SupplierID: supplierID, Currency: "USD",
			Lines: []POLine{
				{ID: widgetLineID, SKU: "WIDGET", VendorPart: "W-9", OrderedQty: 500, ReceivedQty: 500, UnitPriceMicros: price10},
				{ID: 102, SKU: "GADGET", VendorPart: "G-1", OrderedQty: 10, ReceivedQty: 10, UnitPriceMicros: 2_500_000},
			},
		},
		Invoice: Invoice{
			ID: 900, SupplierID: supplierID, Number: "INV-001", Date: invoiceDate, Currency: "USD",
			Lines: []InvoiceLine{{POLineID: widgetLineID, Qty: 500, UnitPriceMicros: price10, Amount: 500_000}},
			Total: 500_000,
		},
	}
}

// setLine replaces invoice line i's qty and price, recomputing its amount and
// the invoice total the way an honest supplier would.
func setLine(in *Input, i int, qty, priceMicros int64) {
	l := &in.Invoice.Lines[i]
	l.Qty, l.UnitPriceMicros = qty, priceMicros
	l.Amount = LineAmount(qty, priceMicros, mustExp(in.Invoice.Currency))
	restate(in)
}

// restate recomputes the stated total from the parts.
func restate(in *Input) {
	var t int64
	for _, l := range in.Invoice.Lines {
		t += l.Amount
	}
	for _, c := range in.Invoice.Charges {
		t += c.Amount
	}
	for _, a := range in.Invoice.Allowances {
		t -= a.Amount
	}
	in.Invoice.Total = t + in.Invoice.Tax
}

func mustExp(code string) int {
	e, ok := CurrencyExponent(code)
	if !ok {
		return 2
	}
	return e
}

func codesOf(d *Decision) []Code {
	c := d.Codes()
	if c == nil {
		return []Code{}
	}
	return c
}

func assertDecision(t *testing.T, d *Decision, outcome Outcome, codes ...Code) {
	t.Helper()
	if codes == nil {
		codes = []Code{}
	}
	got := codesOf(d)
	if d.Outcome != outcome || !slices.Equal(got, codes) {
		t.Fatalf("outcome %s codes %v, want %s %v\nmessages: %q", d.Outcome, got, outcome, codes, d.Messages())
	}
	for _, m := range d.Messages() {
		if m == "" {
			t.Fatalf("empty message in %+v", d)
		}
	}
}

func reasonOf(t *testing.T, d *Decision, code Code) Reason {
	t.Helper()
	for _, r := range d.Reasons {
		if r.Code == code {
			return r
		}
	}
	for _, l := range d.Lines {
		for _, r := range l.Reasons {
			if r.Code == code {
				return r
			}
		}
	}
	t.Fatalf("no reason %s in %v", code, d.Codes())
	return Reason{}
}

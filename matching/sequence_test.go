package matching

import (
	"testing"
	"time"
)

// These tests replay how a PO line evolves: receipts raise ReceivedQty,
// payable invoices raise InvoicedQty by QuantityEffect, and the engine is
// re-run on the new figures, as the store does.

func TestInvoiceBeforeReceiptThenReceipt(t *testing.T) {
	in := baseInput()
	in.PO.Lines[0].ReceivedQty = 0

	d := Match(in)
	assertDecision(t, &d, AwaitingReceipt, CodeAwaitingReceipt)
	if r := reasonOf(t, &d, CodeAwaitingReceipt); r.Message != "line 1: 500 invoiced, 0 received, 0 already invoiced, 500 ordered: waiting for 500 more to be received" {
		t.Fatalf("message %q", r.Message)
	}

	in.PO.Lines[0].ReceivedQty = 480 // first receipt, short
	d = Match(in)
	assertDecision(t, &d, AwaitingReceipt, CodeAwaitingReceipt)

	in.PO.Lines[0].ReceivedQty = 500 // goods complete
	d = Match(in)
	assertDecision(t, &d, Matched)
}

func TestAwaitingLosesToException(t *testing.T) {
	in := baseInput()
	in.PO.Lines[0].ReceivedQty = 0
	in.Invoice.Currency = "EUR"
	d := Match(in)
	assertDecision(t, &d, Exception, CodeCurrencyMismatch, CodeAwaitingReceipt)
	if d.Lines[0].Outcome != AwaitingReceipt {
		t.Fatalf("line outcome %s", d.Lines[0].Outcome)
	}
}

// The brief's example: 500 ordered, 480 received, the rest backordered on
// another PO (receiving on this line closed). An invoice for 500 is an
// exception; one for 480 matches.
func TestBackorderedLineInvoicedInFullAndThenCorrectly(t *testing.T) {
	in := baseInput()
	in.PO.Lines[0].ReceivedQty, in.PO.Lines[0].ReceiptClosed = 480, true
	d := Match(in)
	assertDecision(t, &d, Exception, CodeQtyOverReceipt)

	setLine(in, 0, 480, price10)
	d = Match(in)
	assertDecision(t, &d, Matched)
	if d.Lines[0].QuantityEffect != 480 || d.Payable != 480_000 {
		t.Fatalf("effect %d payable %d", d.Lines[0].QuantityEffect, d.Payable)
	}
}

func TestTwoPartialReceiptsAndTwoPartialInvoices(t *testing.T) {
	line := POLine{ID: widgetLineID, SKU: "WIDGET", OrderedQty: 500, UnitPriceMicros: price10}
	invoice := func(number string, qty int64) *Input {
		in := baseInput()
		in.PO.Lines = []POLine{line}
		in.Invoice.Number = number
		setLine(in, 0, qty, price10)
		return in
	}

	line.ReceivedQty = 300 // first receipt
	first := invoice("INV-1", 300)
	d := Match(first)
	assertDecision(t, &d, Matched)
	line.InvoicedQty += d.Lines[0].QuantityEffect

	second := invoice("INV-2", 200) // arrives before the second receipt
	d = Match(second)
	assertDecision(t, &d, AwaitingReceipt, CodeAwaitingReceipt)
	if l := d.Lines[0]; l.InvoicedBefore != 300 || l.Available != 0 {
		t.Fatalf("line %+v", l)
	}

	line.ReceivedQty += 200 // second receipt
	second = invoice("INV-2", 200)
	d = Match(second)
	assertDecision(t, &d, Matched)
	line.InvoicedQty += d.Lines[0].QuantityEffect
	if line.InvoicedQty != 500 {
		t.Fatalf("invoiced %d", line.InvoicedQty)
	}

	third := invoice("INV-3", 1) // nothing left to invoice
	d = Match(third)
	assertDecision(t, &d, Exception, CodeQtyOverOrder)

	// A credit note for 50 returned units brings the invoiced total down and
	// makes room for a corrected invoice later.
	credit := invoice("CN-1", 50)
	credit.Invoice.CreditNote = true
	d = Match(credit)
	assertDecision(t, &d, Matched)
	line.InvoicedQty += d.Lines[0].QuantityEffect
	if line.InvoicedQty != 450 || d.Payable != -50_000 {
		t.Fatalf("invoiced %d payable %d", line.InvoicedQty, d.Payable)
	}
}

func TestPartialInvoiceLeavesTheRestOpen(t *testing.T) {
	in := baseInput()
	setLine(in, 0, 200, price10)
	d := Match(in)
	assertDecision(t, &d, Matched)
	if l := d.Lines[0]; l.Available != 500 || l.QuantityEffect != 200 {
		t.Fatalf("line %+v", l)
	}
}

// With the same SKU on two PO lines (two delivery dates, say), an invoice
// line by SKU goes to the first one that still has enough received goods.
func TestSKUOnTwoPOLinesPicksOneWithGoods(t *testing.T) {
	in := baseInput()
	in.PO.Lines = []POLine{
		{ID: 1, SKU: "WIDGET", OrderedQty: 100, ReceivedQty: 100, InvoicedQty: 100, UnitPriceMicros: price10},
		{ID: 2, SKU: "WIDGET", OrderedQty: 100, ReceivedQty: 100, UnitPriceMicros: price10},
	}
	in.Invoice.Lines[0].POLineID = 0
	in.Invoice.Lines[0].SKU = "WIDGET"
	setLine(in, 0, 100, price10)
	d := Match(in)
	assertDecision(t, &d, Matched)
	if d.Lines[0].POLineID != 2 {
		t.Fatalf("picked PO line %d", d.Lines[0].POLineID)
	}
}

func TestLargePOUsesIndex(t *testing.T) {
	in := baseInput()
	in.PO.Lines = nil
	for i := int64(1); i <= 200; i++ {
		in.PO.Lines = append(in.PO.Lines, POLine{ID: i * 10, SKU: "S", OrderedQty: 5, ReceivedQty: 5, UnitPriceMicros: price10})
	}
	in.Invoice.Lines[0].POLineID = 1990
	setLine(in, 0, 5, price10)
	d := Match(in)
	assertDecision(t, &d, Matched)
	in.Invoice.Lines[0].POLineID = 1991
	d = Match(in)
	assertDecision(t, &d, Exception, CodeUnknownItem)
}

func TestDuplicateInvoiceNumbers(t *testing.T) {
	prior := func(number string, total int64, daysBefore int) PriorInvoice {
		return PriorInvoice{ID: 1, Number: number, Date: invoiceDate.AddDate(0, 0, -daysBefore), Currency: "USD", Total: total}
	}
	cases := []struct {
		name    string
		number  string
		prior   PriorInvoice
		outcome Outcome
		codes   []Code
	}{
		{"same number", "INV-001", prior("INV-001", 1, 100), Exception, []Code{CodeDuplicateInvoice}},
		{"lower case, no dash, trailing space", "inv001 ", prior("INV-001", 1, 100), Exception, []Code{CodeDuplicateInvoice}},
		{"space and extra zero", "INV 0001", prior("INV-001", 1, 100), Exception, []Code{CodeDuplicateInvoice}},
		{"prior stored normalised", "INV 0001", prior("INV1", 1, 100), Exception, []Code{CodeDuplicateInvoice}},
		{"different number", "INV-002", prior("INV-001", 1, 100), Matched, nil},
		{"same total, 3 days apart", "INV-002", prior("INV-001", 500_000, 3), Exception, []Code{CodeNearDuplicate}},
		{"same total, 7 days apart", "INV-002", prior("INV-001", 500_000, 7), Exception, []Code{CodeNearDuplicate}},
		{"same total, 8 days apart", "INV-002", prior("INV-001", 500_000, 8), Matched, nil},
		{"same total, other currency", "INV-002", PriorInvoice{ID: 1, Number: "X", Date: invoiceDate, Currency: "EUR", Total: 500_000}, Matched, nil},
		{"itself, on a re-run", "INV-001", PriorInvoice{ID: 900, Number: "INV-001", Date: invoiceDate, Currency: "USD", Total: 500_000}, Matched, nil},
		{"a credit note does not duplicate an invoice", "INV-001", PriorInvoice{ID: 2, Number: "INV-001", Date: invoiceDate, Currency: "USD", Total: 500_000, CreditNote: true}, Matched, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInput()
			in.Invoice.Number = tc.number
			in.Priors = []PriorInvoice{tc.prior}
			d := Match(in)
			assertDecision(t, &d, tc.outcome, tc.codes...)
			for _, r := range d.Reasons {
				if r.Prior == nil || r.Prior.ID != tc.prior.ID {
					t.Fatalf("reason %+v lacks its prior", r)
				}
			}
		})
	}
}

func TestNearDuplicateWindowResolves(t *testing.T) {
	in := baseInput()
	in.Invoice.Number = "INV-2"
	in.Priors = []PriorInvoice{{ID: 1, Number: "INV-1", Date: invoiceDate.Add(-20 * 24 * time.Hour), Currency: "USD", Total: 500_000}}
	in.Tolerances.Brand.NearDuplicateDays = Int(30)
	d := Match(in)
	assertDecision(t, &d, Exception, CodeNearDuplicate)
	if p := reasonOf(t, &d, CodeNearDuplicate).Prior; p.DaysApart != 20 {
		t.Fatalf("days apart %d", p.DaysApart)
	}
	in.Tolerances.Supplier.NearDuplicateDays = Int(0)
	d = Match(in)
	assertDecision(t, &d, Matched)
}

func TestCreditNoteBySKUPicksTheInvoicedLine(t *testing.T) {
	in := baseInput()
	in.PO.Lines = []POLine{
		{ID: 1, SKU: "WIDGET", OrderedQty: 100, ReceivedQty: 100, UnitPriceMicros: price10},
		{ID: 2, SKU: "WIDGET", OrderedQty: 100, ReceivedQty: 100, InvoicedQty: 100, UnitPriceMicros: price10},
	}
	in.Invoice.CreditNote = true
	in.Invoice.Lines[0] = InvoiceLine{SKU: "WIDGET"}
	setLine(in, 0, 30, price10)
	d := Match(in)
	assertDecision(t, &d, Matched)
	if d.Lines[0].POLineID != 2 || d.Payable != -30_000 {
		t.Fatalf("credited PO line %d, payable %d", d.Lines[0].POLineID, d.Payable)
	}
}

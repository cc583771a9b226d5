package matching_test

import (
	"fmt"
	"time"

	"github.com/pogate/pogate/matching"
)

// The brief's example: 500 ordered, 480 received, the rest backordered; the
// supplier invoices 500.
func ExampleMatch() {
	price, _ := matching.ParseUnitPrice("10.00")
	in := &matching.Input{
		PO: matching.PO{ID: 1, SupplierID: 7, Currency: "USD", Lines: []matching.POLine{
			{ID: 11, SKU: "WIDGET", OrderedQty: 500, ReceivedQty: 480, UnitPriceMicros: price, ReceiptClosed: true},
		}},
		Invoice: matching.Invoice{
			SupplierID: 7, Number: "INV-001", Date: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Currency: "USD",
			Lines: []matching.InvoiceLine{{POLineID: 11, Qty: 500, UnitPriceMicros: price, Amount: matching.LineAmount(500, price, 2)}},
			Total: 500_000,
		},
		Tolerances: matching.Tolerances{Brand: matching.Policy{
			UnitPrice: matching.Band{Upper: matching.Bound{PercentBP: matching.Int(200)}},
		}},
	}
	d := matching.Match(in)
	fmt.Println(d.Outcome)
	for _, m := range d.Messages() {
		fmt.Println(m)
	}

	in.Invoice.Lines[0].Qty, in.Invoice.Lines[0].Amount, in.Invoice.Total = 480, 480_000, 480_000
	d = matching.Match(in)
	fmt.Println(d.Outcome, matching.Money{Minor: d.Payable, Currency: d.Currency})
	// Output:
	// exception
	// line 1: 500 invoiced, 480 received, 0 already invoiced: 20 more than received and not yet invoiced, with receiving on this line closed; no difference is allowed (exact, none set)
	// matched 4800.00 USD
}

func ExampleNormaliseInvoiceNumber() {
	for _, n := range []string{"INV-001", "inv001 ", "INV 0001"} {
		fmt.Println(matching.NormaliseInvoiceNumber(n))
	}
	// Output:
	// INV1
	// INV1
	// INV1
}

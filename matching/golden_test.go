package matching

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/golden files from the engine's current output")

// TestGoldenDecisions pins the full Decision JSON (the shape stores persist
// and pages render) for a few scenarios. Review a diff before -update.
func TestGoldenDecisions(t *testing.T) {
	cases := map[string]func(in *Input){
		"backorder_invoiced_in_full": func(in *Input) {
			in.PO.Lines[0].ReceivedQty, in.PO.Lines[0].ReceiptClosed = 480, true
		},
		"price_over_sku_tolerance_and_freight": func(in *Input) {
			in.Tolerances.Brand.UnitPrice.Upper = Bound{PercentBP: Int(200), Absolute: Int(500_000)}
			in.Tolerances.SKU = map[string]Policy{"WIDGET": {UnitPrice: Band{Upper: Bound{PercentBP: Int(300)}}}}
			in.PO.Charges = []Charge{{Code: "FREIGHT", Amount: 2_500}}
			in.Invoice.Charges = []Charge{{Code: "FREIGHT", Description: "Carriage", Amount: 2_500}}
			setLine(in, 0, 500, 10_400_000)
		},
		"duplicate_and_awaiting": func(in *Input) {
			in.PO.Lines[0].ReceivedQty = 200
			in.Invoice.Number = "inv 0001"
			in.Priors = []PriorInvoice{{ID: 41, Number: "INV-001", Date: invoiceDate.AddDate(0, 0, -30), Currency: "USD", Total: 12_345}}
		},
		"matched_credit_note": func(in *Input) {
			in.PO.Lines[0].InvoicedQty = 500
			in.Invoice.CreditNote, in.Invoice.Number = true, "CN-0042"
			setLine(in, 0, 25, price10)
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			in := baseInput()
			setup(in)
			d := Match(in)
			got, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("decision differs from %s:\n%s", path, got)
			}
			var back Decision
			if err := json.Unmarshal(want, &back); err != nil {
				t.Fatalf("golden file does not read back: %v", err)
			}
			if back.Outcome != d.Outcome || len(back.Lines) != len(d.Lines) {
				t.Fatalf("read back %+v", back)
			}
		})
	}
}

// A store persists the Input beside the Decision; re-running the engine on
// the stored Input must give the stored Decision back.
func TestInputJSONRoundTripReproducesDecision(t *testing.T) {
	in := baseInput()
	in.Tolerances.Brand.UnitPrice.Upper = Bound{PercentBP: Int(200), Absolute: Int(0)}
	in.Tolerances.SKU = map[string]Policy{"WIDGET": {Quantity: Band{Upper: Bound{PercentBP: Int(100)}}}}
	in.Priors = []PriorInvoice{{ID: 3, Number: "INV 1", Date: invoiceDate, Currency: "USD", Total: 500_000}}
	in.PO.Lines[0].ReceivedQty = 495
	setLine(in, 0, 500, 10_100_000)
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back Input
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	want, got := Match(in), Match(&back)
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	if !bytes.Equal(a, b) {
		t.Fatalf("decision changed after the round trip:\n%s\n%s", a, b)
	}
	if !want.Has(CodeDuplicateInvoice) || !want.Has(CodePriceOverTolerance) {
		t.Fatalf("scenario lost its point: %v", want.Codes())
	}
}

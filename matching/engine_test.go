package matching

import (
	"strings"
	"testing"
	"time"
)

func TestMatchScenarios(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(in *Input)
		outcome Outcome
		codes   []Code
		check   func(t *testing.T, d *Decision)
	}{
		{
			name:    "exact match",
			setup:   func(in *Input) {},
			outcome: Matched,
			check: func(t *testing.T, d *Decision) {
				l := d.Lines[0]
				if d.Payable != 500_000 || l.QuantityEffect != 500 || l.Available != 500 || l.ExpectedAmount != 500_000 {
					t.Fatalf("payable %d effect %d available %d expected %d", d.Payable, l.QuantityEffect, l.Available, l.ExpectedAmount)
				}
				if d.Currency.Code != "USD" || d.Currency.Exponent != 2 || d.Version != EngineVersion {
					t.Fatalf("currency %+v version %q", d.Currency, d.Version)
				}
			},
		},
		{
			name:    "matched by SKU case-insensitively",
			setup:   func(in *Input) { in.Invoice.Lines[0].POLineID = 0; in.Invoice.Lines[0].SKU = " widget " },
			outcome: Matched,
			check:   wantPOLine(widgetLineID),
		},
		{
			name:    "matched by vendor part",
			setup:   func(in *Input) { in.Invoice.Lines[0].POLineID = 0; in.Invoice.Lines[0].VendorPart = "W-9" },
			outcome: Matched,
			check:   wantPOLine(widgetLineID),
		},
		{
			name:    "vendor part printed in the SKU column",
			setup:   func(in *Input) { in.Invoice.Lines[0].POLineID = 0; in.Invoice.Lines[0].SKU = "w-9" },
			outcome: Matched,
			check:   wantPOLine(widgetLineID),
		},
		{
			name:    "unknown PO line id",
			setup:   func(in *Input) { in.Invoice.Lines[0].POLineID = 999 },
			outcome: Exception,
			codes:   []Code{CodeUnknownItem},
		},
		{
			name:    "unknown SKU",
			setup:   func(in *Input) { in.Invoice.Lines[0].POLineID = 0; in.Invoice.Lines[0].SKU = "NOPE" },
			outcome: Exception,
			codes:   []Code{CodeUnknownItem},
			check:   wantMessage(CodeUnknownItem, `SKU "NOPE"`),
		},
		// Price tolerance: PO 10.00.
		{
			name:    "price above PO with no tolerance set",
			setup:   func(in *Input) { setLine(in, 0, 500, 10_010_000) },
			outcome: Exception,
			codes:   []Code{CodePriceOverTolerance},
			check:   wantMessage(CodePriceOverTolerance, "unit price 10.01 vs PO 10.00 (+0.01, +0.10%)"),
		},
		{
			name: "price inside 2% tolerance",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(200)
				setLine(in, 0, 500, 10_150_000)
			},
			outcome: Matched,
		},
		{
			name: "price exactly at 2% boundary",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(200)
				setLine(in, 0, 500, 10_200_000)
			},
			outcome: Matched,
		},
		{
			name: "price one micro-unit over 2% boundary",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(200)
				setLine(in, 0, 500, 10_200_001)
			},
			outcome: Exception,
			codes:   []Code{CodePriceOverTolerance},
			check: func(t *testing.T, d *Decision) {
				f := reasonOf(t, d, CodePriceOverTolerance).Figure
				if f.Allowed != 200_000 || f.Difference != 200_001 || f.Tolerance.PercentBP.From != LevelBrand || f.Side != SideUpper {
					t.Fatalf("figure %+v", f)
				}
			},
		},
		{
			name: "price outside 2% tolerance",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(200)
				setLine(in, 0, 500, 10_500_000)
			},
			outcome: Exception,
			codes:   []Code{CodePriceOverTolerance},
			check:   wantMessage(CodePriceOverTolerance, "more than the +0.20 allowed by 2.00% (brand)"),
		},
		{
			name: "price inside absolute tolerance",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.Absolute = Int(150_000)
				setLine(in, 0, 500, 10_100_000)
			},
			outcome: Matched,
		},
		{
			name: "price exactly at absolute boundary",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.Absolute = Int(150_000)
				setLine(in, 0, 500, 10_150_000)
			},
			outcome: Matched,
		},
		{
			name: "price just outside absolute tolerance",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.Absolute = Int(150_000)
				setLine(in, 0, 500, 10_150_001)
			},
			outcome: Exception,
			codes:   []Code{CodePriceOverTolerance},
		},
		{
			name: "percent and absolute: the smaller allowance wins",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(500)    // 0.50
				in.Tolerances.Brand.UnitPrice.Upper.Absolute = Int(100_000) // 0.10
				setLine(in, 0, 500, 10_200_000)
			},
			outcome: Exception,
			codes:   []Code{CodePriceOverTolerance},
			check:   wantMessage(CodePriceOverTolerance, "whichever is less"),
		},
		{
			name: "price below PO inside lower tolerance",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Lower.PercentBP = Int(100)
				setLine(in, 0, 500, 9_900_000)
			},
			outcome: Matched,
		},
		{
			name: "price below PO outside lower tolerance",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Lower.PercentBP = Int(100)
				setLine(in, 0, 500, 9_899_999)
			},
			outcome: Exception,
			codes:   []Code{CodePriceUnderTolerance},
		},
		{
			name: "upper tolerance does not cover a lower price",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(1000)
				setLine(in, 0, 500, 9_990_000)
			},
			outcome: Exception,
			codes:   []Code{CodePriceUnderTolerance},
		},
		{
			name: "price within tolerance but line amount over the amount cap",
			setup: func(in *Input) {
				in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(200)
				in.Tolerances.Brand.Amount.Upper.Absolute = Int(2_000) // 20.00
				setLine(in, 0, 500, 10_100_000)                        // +50.00 on the line
			},
			outcome: Exception,
			codes:   []Code{CodeAmountOverTolerance},
			check: func(t *testing.T, d *Decision) {
				f := reasonOf(t, d, CodeAmountOverTolerance).Figure
				if f.Expected != 500_000 || f.Actual != 505_000 || f.Allowed != 2_001 || f.Rounding != 1 {
					t.Fatalf("figure %+v", f)
				}
			},
		},
		{
			name: "supplier arithmetic wrong",
			setup: func(in *Input) {
				in.Invoice.Lines[0].Amount = 499_000
				restate(in)
			},
			outcome: Exception,
			codes:   []Code{CodeAmountMismatch},
			check:   wantMessage(CodeAmountMismatch, "amount 4990.00 but 500 × 10.00 = 5000.00"),
		},
		// Quantity.
		{
			name: "quantity above received, receiving closed",
			setup: func(in *Input) {
				in.PO.Lines[0].ReceivedQty, in.PO.Lines[0].ReceiptClosed = 480, true
			},
			outcome: Exception,
			codes:   []Code{CodeQtyOverReceipt},
			check: func(t *testing.T, d *Decision) {
				r := reasonOf(t, d, CodeQtyOverReceipt)
				if !strings.HasPrefix(r.Message, "line 1: 500 invoiced, 480 received") {
					t.Fatalf("message %q", r.Message)
				}
				if r.Figure.Expected != 480 || r.Figure.Actual != 500 || r.Figure.Difference != 20 || r.POLineID != widgetLineID {
					t.Fatalf("reason %+v figure %+v", r, r.Figure)
				}
			},
		},
		{
			name: "quantity above received within 5% quantity tolerance",
			setup: func(in *Input) {
				in.PO.Lines[0].ReceivedQty, in.PO.Lines[0].ReceiptClosed = 480, true
				in.Tolerances.Supplier.Quantity.Upper.PercentBP = Int(500) // 24 units
			},
			outcome: Matched,
		},
		{
			name: "quantity above ordered while goods still expected",
			setup: func(in *Input) {
				in.PO.Lines[0].ReceivedQty = 100
				setLine(in, 0, 600, price10)
			},
			outcome: Exception,
			codes:   []Code{CodeQtyOverOrder},
		},
		{
			name: "two lines on one PO line share the receipt",
			setup: func(in *Input) {
				in.PO.Lines[0].ReceiptClosed = true
				in.Invoice.Lines = append(in.Invoice.Lines, in.Invoice.Lines[0])
				setLine(in, 0, 300, price10)
				setLine(in, 1, 250, price10)
			},
			outcome: Exception,
			codes:   []Code{CodeQtyOverReceipt},
			check: func(t *testing.T, d *Decision) {
				if d.Lines[0].Outcome != Matched || d.Lines[1].InvoicedBefore != 300 || d.Lines[1].Available != 200 {
					t.Fatalf("lines %+v", d.Lines)
				}
			},
		},
		// Header checks.
		{
			name: "freight agreed on the PO",
			setup: func(in *Input) {
				in.PO.Charges = []Charge{{Code: "FREIGHT", Amount: 2_500}}
				in.Invoice.Charges = []Charge{{Code: "freight", Amount: 2_500}}
				restate(in)
			},
			outcome: Matched,
			check: func(t *testing.T, d *Decision) {
				if d.Totals.Charges != 2_500 || d.Payable != 502_500 {
					t.Fatalf("totals %+v payable %d", d.Totals, d.Payable)
				}
			},
		},
		{
			name: "freight above agreed",
			setup: func(in *Input) {
				in.PO.Charges = []Charge{{Code: "FREIGHT", Amount: 2_500}}
				in.Invoice.Charges = []Charge{{Code: "FREIGHT", Amount: 3_000}}
				restate(in)
			},
			outcome: Exception,
			codes:   []Code{CodeChargeOverAgreed},
			check:   wantMessage(CodeChargeOverAgreed, "charge FREIGHT 30.00 but 25.00 agreed on the PO"),
		},
		{
			name: "freight not agreed, within the charges allowance",
			setup: func(in *Input) {
				in.Tolerances.Brand.Charges.Upper.Absolute = Int(5_000)
				in.Invoice.Charges = []Charge{{Code: "FREIGHT", Amount: 3_000}}
				restate(in)
			},
			outcome: Matched,
		},
		{
			name: "freight not agreed",
			setup: func(in *Input) {
				in.Invoice.Charges = []Charge{{Code: "FREIGHT", Amount: 1_000}, {Code: "Freight", Amount: 500}}
				restate(in)
			},
			outcome: Exception,
			codes:   []Code{CodeChargeOverAgreed},
			check:   wantMessage(CodeChargeOverAgreed, "charge FREIGHT 15.00 is not agreed on the PO"),
		},
		{
			name: "freight missing from the stated total",
			setup: func(in *Input) {
				in.PO.Charges = []Charge{{Code: "FREIGHT", Amount: 2_500}}
				in.Invoice.Charges = []Charge{{Code: "FREIGHT", Amount: 2_500}}
			},
			outcome: Exception,
			codes:   []Code{CodeTotalMismatch},
			check:   wantMessage(CodeTotalMismatch, "total 5000.00 but lines 5000.00 + charges 25.00 − allowances 0.00 + tax 0.00 = 5025.00 (-25.00; 0.02 allowed for rounding)"),
		},
		{
			name: "allowance and tax",
			setup: func(in *Input) {
				in.Invoice.Allowances = []Charge{{Code: "PROMO", Amount: 10_000}}
				in.Invoice.Tax = 49_000
				restate(in)
			},
			outcome: Matched,
			check: func(t *testing.T, d *Decision) {
				if d.Totals.Computed != 539_000 || d.Payable != 539_000 || d.Totals.Allowances != 10_000 {
					t.Fatalf("totals %+v payable %d", d.Totals, d.Payable)
				}
			},
		},
		{
			name: "total off by one cent per line is rounding",
			setup: func(in *Input) {
				in.Invoice.Tax = 1_000
				restate(in)
				in.Invoice.Total++
			},
			outcome: Matched,
		},
		{
			name:    "currency mismatch",
			setup:   func(in *Input) { in.Invoice.Currency = "EUR" },
			outcome: Exception,
			codes:   []Code{CodeCurrencyMismatch},
			check:   wantMessage(CodeCurrencyMismatch, "invoice currency EUR differs from PO currency USD"),
		},
		{
			name:    "currency codes compare case-insensitively",
			setup:   func(in *Input) { in.Invoice.Currency = "usd" },
			outcome: Matched,
		},
		{
			name:    "unknown currency",
			setup:   func(in *Input) { in.Invoice.Currency = "ZZZ" },
			outcome: Exception,
			codes:   []Code{CodeUnknownCurrency},
		},
		{
			name:    "supplier mismatch",
			setup:   func(in *Input) { in.Invoice.SupplierID = 8 },
			outcome: Exception,
			codes:   []Code{CodeSupplierMismatch},
		},
		{
			name:    "extraction not confident",
			setup:   func(in *Input) { in.Invoice.UnconfidentFields = []string{"total", "date"} },
			outcome: Exception,
			codes:   []Code{CodeNotConfidentExtraction},
			check:   wantMessage(CodeNotConfidentExtraction, "extraction not confident for: total, date"),
		},
		{
			name:    "missing number",
			setup:   func(in *Input) { in.Invoice.Number = " - " },
			outcome: Exception,
			codes:   []Code{CodeMissingInvoiceNumber},
		},
		{
			name:    "missing date",
			setup:   func(in *Input) { in.Invoice.Date = time.Time{} },
			outcome: Exception,
			codes:   []Code{CodeMissingInvoiceDate},
		},
		{
			name:    "no lines",
			setup:   func(in *Input) { in.Invoice.Lines = nil; restate(in) },
			outcome: Exception,
			codes:   []Code{CodeNoLines},
		},
		{
			name:    "zero quantity line",
			setup:   func(in *Input) { setLine(in, 0, 0, price10) },
			outcome: Exception,
			codes:   []Code{CodeInvalidQuantity},
		},
		{
			name:    "negative price line",
			setup:   func(in *Input) { setLine(in, 0, 1, -1) },
			outcome: Exception,
			codes:   []Code{CodeInvalidPrice},
			check:   wantMessage(CodeInvalidPrice, "unit price -0.000001 is not valid (must not be negative)"),
		},
		{
			name: "credit note for returned goods",
			setup: func(in *Input) {
				in.PO.Lines[0].InvoicedQty = 500
				in.Invoice.CreditNote = true
				in.Invoice.Number = "CN-7"
				setLine(in, 0, 20, price10)
			},
			outcome: Matched,
			check: func(t *testing.T, d *Decision) {
				if d.Payable != -20_000 || d.Lines[0].QuantityEffect != -20 || d.Lines[0].Available != 500 {
					t.Fatalf("payable %d line %+v", d.Payable, d.Lines[0])
				}
			},
		},
		{
			name: "credit note for more than invoiced",
			setup: func(in *Input) {
				in.PO.Lines[0].InvoicedQty = 10
				in.Invoice.CreditNote = true
				setLine(in, 0, 20, price10)
			},
			outcome: Exception,
			codes:   []Code{CodeCreditOverInvoiced},
			check:   wantMessage(CodeCreditOverInvoiced, "credit for 20, but only 10 invoiced"),
		},
		{
			name: "credit note never waits for receipt",
			setup: func(in *Input) {
				in.PO.Lines[0].ReceivedQty, in.PO.Lines[0].InvoicedQty = 0, 50
				in.Invoice.CreditNote = true
				setLine(in, 0, 50, price10)
			},
			outcome: Matched,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInput()
			tc.setup(in)
			d := Match(in)
			assertDecision(t, &d, tc.outcome, tc.codes...)
			for _, m := range d.Messages() {
				t.Log(m)
			}
			if tc.check != nil {
				tc.check(t, &d)
			}
		})
	}
}

func wantPOLine(id int64) func(t *testing.T, d *Decision) {
	return func(t *testing.T, d *Decision) {
		t.Helper()
		if d.Lines[0].POLineID != id {
			t.Fatalf("matched PO line %d, want %d", d.Lines[0].POLineID, id)
		}
	}
}

func wantMessage(code Code, fragment string) func(t *testing.T, d *Decision) {
	return func(t *testing.T, d *Decision) {
		t.Helper()
		if msg := reasonOf(t, d, code).Message; !strings.Contains(msg, fragment) {
			t.Fatalf("%s message %q does not contain %q", code, msg, fragment)
		}
	}
}

func TestEffectsSumPerPOLine(t *testing.T) {
	in := baseInput()
	in.Invoice.Lines = []InvoiceLine{
		{POLineID: widgetLineID, Qty: 100, UnitPriceMicros: price10, Amount: 100_000},
		{POLineID: 102, Qty: 10, UnitPriceMicros: 2_500_000, Amount: 2_500},
		{SKU: "widget", Qty: 50, UnitPriceMicros: price10, Amount: 50_000},
	}
	restate(in)
	d := Match(in)
	assertDecision(t, &d, Matched)
	got := d.Effects()
	want := []Effect{{widgetLineID, 150}, {102, 10}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("effects %+v, want %+v", got, want)
	}
}

func TestCodeTitles(t *testing.T) {
	seen := map[Code]bool{}
	for _, c := range AllCodes() {
		if seen[c] || c.Title() == string(c) || c.Title() == "" {
			t.Errorf("code %s: duplicate or without title", c)
		}
		seen[c] = true
	}
	if Code("from_the_future").Title() != "from_the_future" {
		t.Error("unknown code title")
	}
	if CodeQtyOverReceipt.Title() != "Quantity over receipt" {
		t.Error(CodeQtyOverReceipt.Title())
	}
}

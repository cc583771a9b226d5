package docs

import (
	"strings"
	"testing"
)

// layoutFrom builds a PDF-like layout from text lines where "|" separates
// cells; cell positions follow a fixed column grid so tables line up.
func layoutFrom(lines ...string) *Layout {
	l := &Layout{Kind: KindPDF, Pages: 1}
	for i, line := range lines {
		row := Row{Page: 1, Y: float64(100 + 14*i)}
		for j, text := range strings.Split(line, "|") {
			text = strings.TrimSpace(text)
			if text == "" {
				continue
			}
			x := float64(40 + 90*j)
			row.Cells = append(row.Cells, Cell{Text: text, X0: x, X1: x + 60, Size: 10})
		}
		l.Rows = append(l.Rows, row)
	}
	return l
}

var goodTable = []string{
	"SKU | Description | Qty | Unit Price | Amount",
	"AB-1 | Oak tray | 2 | 10.00 | 20.00",
	"AB-2 | Linen towel | 3 | 1.50 | 4.50",
	"| | | Subtotal | 24.50",
	"| | | Shipping | 5.00",
	"| | | VAT 20% | 5.90",
	"| | | Total Due | USD 35.40",
}

func TestInterpretLabelVariants(t *testing.T) {
	tests := []struct {
		name   string
		header []string
	}{
		{"label and value in one cell", []string{"Invoice No.: INV-77", "Invoice Date: 2026-03-04", "PO Number: PO-9"}},
		{"value right of label", []string{"Inv # | INV-77", "Date | 2026-03-04", "Purchase Order | PO-9"}},
		{"value below label", []string{"Invoice Number | Issue Date | Your Order No.", "INV-77 | 2026-03-04 | PO-9"}},
		{"hash labels", []string{"Invoice #INV-77", "Date of issue: 4 Mar 2026", "PO # PO-9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := interpret(layoutFrom(append(tt.header, goodTable...)...), nil)
			if d.InvoiceNumber != "INV-77" || d.InvoiceDate != "2026-03-04" || d.PONumber != "PO-9" {
				t.Errorf("header = %q %q %q", d.InvoiceNumber, d.InvoiceDate, d.PONumber)
			}
			if d.NeedsReview {
				t.Errorf("needs review: %v", d.Reasons)
			}
			if d.Currency != "USD" || d.Total != "35.40" || d.Tax != "5.90" || len(d.Charges) != 1 || d.Charges[0].Kind != ChargeFreight {
				t.Errorf("totals = %s %s %s %+v", d.Currency, d.Total, d.Tax, d.Charges)
			}
			if info := d.Fields[FieldInvoiceNumber]; info.Confidence < confidenceSure || info.Source.Page != 1 {
				t.Errorf("invoice number info = %+v", info)
			}
		})
	}
}

// TestReconcileMarksEveryInconsistency: whatever is wrong, the draft must
// say so; none of these may come back certain.
func TestReconcileMarksEveryInconsistency(t *testing.T) {
	header := []string{"Invoice No: INV-1", "Date: 2026-03-04", "PO Number: PO-9"}
	tests := []struct {
		name   string
		table  []string
		reason string
	}{
		{"line amount wrong", []string{"SKU | Description | Qty | Unit Price | Amount", "AB-1 | Oak | 2 | 10.00 | 21.00", "| | | Total | EUR 21.00"}, "2 × 10.00 = 20.00"},
		{"total wrong", []string{"SKU | Description | Qty | Unit Price | Amount", "AB-1 | Oak | 2 | 10.00 | 20.00", "| | | Total | EUR 25.00"}, "the total says 25.00"},
		{"subtotal wrong", []string{"SKU | Description | Qty | Unit Price | Amount", "AB-1 | Oak | 2 | 10.00 | 20.00", "| | | Subtotal | 22.00", "| | | Total | EUR 22.00"}, "subtotal says 22.00"},
		{"no total", []string{"SKU | Description | Qty | Unit Price | Amount", "AB-1 | Oak | 2 | 10.00 | 20.00 EUR"}, "no invoice total"},
		{"no lines", []string{"| | | Total | EUR 20.00"}, "no invoice lines"},
		{"no currency", []string{"SKU | Description | Qty | Unit Price | Amount", "AB-1 | Oak | 2 | 10.00 | 20.00", "| | | Total | 20.00"}, "currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := interpret(layoutFrom(append(header, tt.table...)...), nil)
			if !d.NeedsReview {
				t.Fatalf("not marked for review: %+v", d)
			}
			if !strings.Contains(strings.Join(d.Reasons, "; "), tt.reason) {
				t.Errorf("reasons %q lack %q", d.Reasons, tt.reason)
			}
		})
	}
}

func TestInterpretDiscountAndCommaDecimals(t *testing.T) {
	d := interpret(layoutFrom(
		"Rechnung | Invoice No. | RE-5",
		"Invoice Date | 04.03.2026",
		"P.O. No. | 4500001234",
		"Item Code | Description | Qty | Price | Line Total",
		"X-1 | Eichenbrett | 1.200 | 1,25 | 1.500,00 €",
		"X-2 | Leinen | 3 | 0,333 | 1,00 €",
		"| | | Discount | 100,00",
		"| | | MwSt 19% | 266,19",
		"| | | Total | 1.667,19 €",
	), nil)
	if d.NeedsReview {
		t.Fatalf("needs review: %v", d.Reasons)
	}
	if d.Lines[0].Quantity != "1200" || d.Lines[1].UnitPrice != "0.333" || d.Charges[0].Amount != "-100.00" || d.Currency != "EUR" || d.InvoiceDate != "2026-03-04" {
		t.Errorf("draft = %+v", d)
	}
}

func TestInterpretJPYHasNoDecimals(t *testing.T) {
	d := interpret(layoutFrom(
		"Invoice No. | 2026-0099",
		"Invoice Date | 2026-03-04",
		"PO Number | PO-1",
		"SKU | Description | Qty | Unit Price | Amount",
		"K-1 | Tea bowl | 3 | ¥1,250 | ¥3,750",
		"| | | Tax 10% | ¥375",
		"| | | Total | ¥4,125",
	), nil)
	if d.NeedsReview || d.Currency != "JPY" || d.Total != "4125" || d.Lines[0].Amount != "3750" {
		t.Errorf("draft = %+v reasons %v", d, d.Reasons)
	}
}

package docs

import (
	"bytes"
	"context"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

func templatePO() TemplateInput {
	return TemplateInput{PONumber: "PO-004711", Currency: "EUR", SupplierName: "=cmd|' /C calc'!A0", Lines: []TemplateLine{
		{LineNo: 1, VendorPart: "AB-1", Description: "Oak serving tray", Quantity: 12, UnitPriceMicros: 18_250_000},
		{LineNo: 2, VendorPart: "@SUM(1)", Description: "+Linen tea towel set", Quantity: 3, UnitPriceMicros: 4_125_000},
		{LineNo: 3, VendorPart: "KT-9", Description: "Cork mat (not shipped)", Quantity: 5, UnitPriceMicros: 2_000_000},
	}}
}

// fillTemplate plays the supplier: fills the yellow cells and saves.
func fillTemplate(t *testing.T, cells map[string]string, numbers map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, templatePO()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for ref, v := range cells {
		if err := f.SetCellStr(templateSheet, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	for ref, v := range numbers {
		if err := f.SetCellDefault(templateSheet, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestTemplateRoundTrip(t *testing.T) {
	// Line 3 is not invoiced (quantity 0); 12 × 18.25 = 219.00 and
	// 3 × 4.125 = 12.375 → 12.38 half-even rounds to 12.38 (not 12.37).
	data := fillTemplate(t, map[string]string{"B3": "INV-2026-0042", "B4": "2026-04-30"},
		map[string]string{"D12": "0", "F12": "0", "F3": "15.00", "F4": "5", "F5": "45.98", "F6": "287.36"})
	res, err := Extract(context.Background(), data, KindAuto, nil, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Draft
	if !d.Source.Template {
		t.Fatalf("template not recognised: %+v", d.Source)
	}
	if d.NeedsReview {
		t.Fatalf("template needs review: %v", d.Reasons)
	}
	if d.InvoiceNumber != "INV-2026-0042" || d.InvoiceDate != "2026-04-30" || d.PONumber != "PO-004711" || d.Currency != "EUR" {
		t.Errorf("header = %q %q %q %q", d.InvoiceNumber, d.InvoiceDate, d.PONumber, d.Currency)
	}
	if len(d.Lines) != 2 {
		t.Fatalf("lines = %+v", d.Lines)
	}
	if l := d.Lines[1]; l.VendorPart != "@SUM(1)" || l.Description != "+Linen tea towel set" || l.UnitPrice != "4.125" || l.Amount != "12.38" {
		t.Errorf("line 2 = %+v (formula-looking text must survive the round trip unquoted)", l)
	}
	if d.Charges[1].Kind != ChargeDiscount || d.Charges[1].Amount != "-5.00" {
		t.Errorf("discount = %+v, want -5.00", d.Charges[1])
	}
	if f := d.Fields[FieldInvoiceNumber]; f.Source.Cell != "B3" || f.Source.Sheet != templateSheet {
		t.Errorf("invoice number source = %+v", f.Source)
	}
}

func TestTemplateWrongTotalNeedsReview(t *testing.T) {
	data := fillTemplate(t, map[string]string{"B3": "INV-1", "B4": "2026-04-30"},
		map[string]string{"D12": "0", "F6": "300.00"})
	res, err := Extract(context.Background(), data, KindAuto, nil, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Draft.NeedsReview || len(res.Draft.Reasons) == 0 {
		t.Errorf("wrong total not flagged: %+v", res.Draft)
	}
}

func TestTemplateNeutralisesFormulaInjection(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, templatePO()); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"A2", "B11", "C11"} {
		v, _ := f.GetCellValue(templateSheet, ref)
		if formula, _ := f.GetCellFormula(templateSheet, ref); formula != "" || v == "" || v[0] != '\'' {
			t.Errorf("%s = %q (formula %q): text starting with = + - @ must be quoted", ref, v, formula)
		}
	}
	if visible, _ := f.GetSheetVisible(templateMarkerSheet); visible {
		t.Errorf("marker sheet is visible")
	}
}

// TestSupplierWorkbookRawValues: a supplier's own layout whose cells are
// formatted "#,##0.00" and whose amounts are formulas. The reader must use
// raw values (exact decimals, no "1,234.57" text), convert date cells, and
// flag formula cells.
func TestSupplierWorkbookRawValues(t *testing.T) {
	f := excelize.NewFile()
	sh := "Sheet1"
	twoDp := "#,##0.00"
	money, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &twoDp})
	dateFmt := "dd.mm.yyyy"
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	set := func(ref string, v any) {
		if err := f.SetCellValue(sh, ref, v); err != nil {
			t.Fatal(err)
		}
	}
	num := func(ref, v string, style int) {
		if err := f.SetCellDefault(sh, ref, v); err != nil {
			t.Fatal(err)
		}
		if style != 0 {
			_ = f.SetCellStyle(sh, ref, ref, style)
		}
	}
	set("A1", "Invoice No.")
	set("B1", "X-77")
	set("A2", "Invoice Date")
	num("B2", "46142", dateStyle) // 2026-04-30
	set("A3", "PO Number")
	set("B3", "PO-1")
	set("A4", "Currency")
	set("B4", "EUR")
	for i, h := range []string{"SKU", "Description", "Qty", "Unit Price", "Amount"} {
		ref, _ := excelize.CoordinatesToCellName(i+1, 6)
		set(ref, h)
	}
	set("A7", "AB-1")
	set("B7", "Oak tray")
	num("C7", "1000", 0)
	num("D7", "1.23456", money) // shown as 1.23, worth 1.23456
	num("E7", "1234.56", money) // shown as 1,234.56
	if err := f.SetCellFormula(sh, "E7", "ROUND(C7*D7,2)"); err != nil {
		t.Fatal(err)
	}
	set("D9", "Total")
	num("E9", "1234.56", money)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := Extract(context.Background(), buf.Bytes(), KindXLSX, nil, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Draft
	if d.NeedsReview {
		t.Errorf("needs review: %v", d.Reasons)
	}
	if len(d.Lines) != 1 {
		t.Fatalf("lines = %+v", d.Lines)
	}
	l := d.Lines[0]
	if l.UnitPrice != "1.23456" || l.Amount != "1234.56" || l.Quantity != "1000" {
		t.Errorf("line = %+v: raw exact values expected", l)
	}
	if len(l.Formula) != 1 || l.Formula[0] != "E7" {
		t.Errorf("formula cell not flagged: %v", l.Formula)
	}
	if d.InvoiceDate != "2026-04-30" {
		t.Errorf("date cell = %q", d.InvoiceDate)
	}
	if l.Cells.Amount == nil || l.Cells.Amount.Cell != "E7" {
		t.Errorf("amount source = %+v", l.Cells.Amount)
	}
}

func TestExcelNumberUndoesFloatNoise(t *testing.T) {
	for in, want := range map[string]string{"12.300000000000001": "12.3", "0.30000000000000004": "0.3", "1234.5": "1234.5", "-7.0000000000000009": "-7"} {
		v := decimal.RequireFromString(in)
		if got := excelNumber(v); got != want {
			t.Errorf("excelNumber(%s) = %s, want %s", in, got, want)
		}
	}
}

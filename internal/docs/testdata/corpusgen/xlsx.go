package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// renderXLSX writes the invoice as a supplier's own spreadsheet: typed
// numbers and dates with display formats, line amounts as formulas with
// their cached values (as Excel saves them).
func renderXLSX(inv Invoice) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	sh := "Invoice"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	var errs []error
	set := func(ref string, v any) { errs = append(errs, f.SetCellValue(sh, ref, v)) }
	num := func(ref, v string) { errs = append(errs, f.SetCellDefault(sh, ref, v)) }
	locale := ""
	if inv.Decimal == "comma" {
		locale = "[$-407]"
	}
	moneyFmt := locale + "#,##0.00"
	if inv.decimals() == 0 {
		moneyFmt = locale + "#,##0"
	}
	money, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &moneyFmt})
	priceFmt := locale + "#,##0.00##"
	if inv.decimals() == 0 {
		priceFmt = locale + "#,##0"
	}
	priceStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &priceFmt})
	qtyFmt := locale + "#,##0"
	qtyStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &qtyFmt})
	dateFmt := map[string]string{"02.01.2006": "dd.mm.yyyy", "01/02/2006": "mm/dd/yyyy", "02/01/2006": "dd/mm/yyyy"}[inv.DateFormat]
	if dateFmt == "" {
		dateFmt = "yyyy-mm-dd"
	}
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	for i, l := range inv.Seller {
		set(fmt.Sprintf("A%d", i+1), l)
	}
	set("E1", "INVOICE")
	fields := [][2]string{
		{inv.Labels["invoice_number"], inv.InvoiceNumber},
		{inv.Labels["invoice_date"], inv.InvoiceDate},
		{inv.Labels["po_number"], inv.PONumber},
		{inv.Labels["due_date"], inv.DueDate},
		{"Currency", inv.Currency},
	}
	for i, fv := range fields {
		row := 3 + i
		set(fmt.Sprintf("E%d", row), fv[0])
		ref := fmt.Sprintf("F%d", row)
		if i == 1 || i == 3 {
			t, _ := time.Parse("2006-01-02", fv[1])
			set(ref, t)
			errs = append(errs, f.SetCellStyle(sh, ref, ref, dateStyle))
		} else {
			set(ref, fv[1])
		}
	}
	for i, l := range inv.Buyer {
		set(fmt.Sprintf("A%d", 6+i), l)
	}
	head := 11
	for i, c := range inv.Columns {
		ref, _ := excelize.CoordinatesToCellName(i+1, head)
		set(ref, inv.ColumnLabels[c])
		errs = append(errs, f.SetCellStyle(sh, ref, ref, bold))
	}
	colOf := map[string]string{}
	for i, c := range inv.Columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		colOf[c] = name
	}
	for n, l := range inv.Lines {
		row := head + 1 + n
		for i, c := range inv.Columns {
			ref, _ := excelize.CoordinatesToCellName(i+1, row)
			switch c {
			case "quantity":
				num(ref, l.Quantity)
				errs = append(errs, f.SetCellStyle(sh, ref, ref, qtyStyle))
			case "unit_price":
				num(ref, l.UnitPrice)
				errs = append(errs, f.SetCellStyle(sh, ref, ref, priceStyle))
			case "amount":
				num(ref, inv.printedAmount(n, l).String())
				formula := fmt.Sprintf("ROUND(%s%d*%s%d,%d)", colOf["quantity"], row, colOf["unit_price"], row, inv.decimals())
				errs = append(errs, f.SetCellFormula(sh, ref, formula))
				errs = append(errs, f.SetCellStyle(sh, ref, ref, money))
			case "line_no":
				set(ref, n+1)
			default:
				set(ref, inv.cellValue(c, n, l))
			}
		}
	}
	amountCol := len(inv.Columns)
	labelCol := amountCol - 1
	row := head + len(inv.Lines) + 2
	put := func(label string, v decimal.Decimal) {
		lref, _ := excelize.CoordinatesToCellName(labelCol, row)
		vref, _ := excelize.CoordinatesToCellName(amountCol, row)
		set(lref, label)
		num(vref, v.String())
		errs = append(errs, f.SetCellStyle(sh, vref, vref, money))
		row++
	}
	put(inv.Labels["subtotal"], inv.subtotal())
	for _, c := range inv.Charges {
		put(c.Label, c.signed())
	}
	if inv.TaxRate != "" {
		put(inv.Labels["tax"]+" "+inv.TaxRate+"%", inv.tax())
	}
	put(inv.Labels["total"]+" ("+inv.Currency+")", inv.printedTotal())
	set(fmt.Sprintf("A%d", row+1), inv.Notes)
	for i, c := range inv.Columns {
		name, _ := excelize.ColumnNumberToName(i + 1)
		width := map[string]float64{"description": 34, "line_no": 6, "uom": 7}[c]
		if width == 0 || i >= 4 { // E and F also hold the header labels and values
			width = max(width, 14)
		}
		errs = append(errs, f.SetColWidth(sh, name, name, width))
	}
	if len(inv.Columns) < 6 {
		errs = append(errs, f.SetColWidth(sh, "F", "F", 14))
	}
	// Fit the sheet to one page wide, as a supplier would before printing.
	one, zero, fit := 1, 0, true
	errs = append(errs, f.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}),
		f.SetPageLayout(sh, &excelize.PageLayoutOptions{FitToWidth: &one, FitToHeight: &zero}))
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("xlsx %s: %w", inv.ID, err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

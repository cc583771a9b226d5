package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/shopspring/decimal"
)

var columnWidths = map[string]float64{"line_no": 10, "vendor_part": 28, "description": 60, "quantity": 16, "uom": 12, "unit_price": 24, "tax_rate": 14, "amount": 28}

// fpdfOptions lets the scanned-like producer reuse the layout: the text is
// drawn invisibly over a page image.
type fpdfOptions struct {
	invisible bool
	pageImage func(pdf *fpdf.Fpdf, page int)
}

func renderFPDF(inv Invoice, opt fpdfOptions) ([]byte, error) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreator("corpusgen fpdf", false)
	pdf.SetCreationDate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(15, 15, 15)
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	page := 0
	newPage := func() {
		pdf.AddPage()
		page++
		if opt.pageImage != nil {
			opt.pageImage(pdf, page)
		}
		if opt.invisible {
			pdf.SetTextRenderingMode(3)
		}
	}
	text := func(x, y, w, h float64, s, align string, bold bool, size float64) {
		style := ""
		if bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, size)
		pdf.SetXY(x, y)
		pdf.CellFormat(w, h, tr(s), "", 0, align, false, 0, "")
	}
	newPage()
	for i, l := range inv.Seller {
		text(15, 15+float64(i)*5, 90, 5, l, "L", i == 0, ternary(i == 0, 12, 9))
	}
	text(140, 15, 55, 10, "INVOICE", "R", true, 18)
	fields := [][2]string{
		{inv.Labels["invoice_number"], inv.InvoiceNumber},
		{inv.Labels["invoice_date"], inv.date(inv.InvoiceDate)},
		{inv.Labels["po_number"], inv.PONumber},
		{inv.Labels["due_date"], inv.date(inv.DueDate)},
	}
	y := 45.0
	switch inv.Style {
	case "below":
		for i, f := range fields {
			x := 15 + float64(i)*45
			text(x, y, 44, 5, f[0], "L", true, 8)
			text(x, y+5, 44, 6, f[1], "L", false, 10)
		}
		y += 16
		for i, l := range inv.Buyer {
			text(15, y+float64(i)*5, 90, 5, l, "L", i == 0, 9)
		}
		y += 26
	default:
		for i, l := range inv.Buyer {
			text(15, y+float64(i)*5, 90, 5, l, "L", i == 0, 9)
		}
		for i, f := range fields {
			if inv.Style == "inline" {
				text(115, y+float64(i)*6, 80, 6, inlineLabel(f[0])+" "+f[1], "L", false, 10)
			} else {
				text(115, y+float64(i)*6, 38, 6, f[0], "L", true, 10)
				text(153, y+float64(i)*6, 42, 6, f[1], "L", false, 10)
			}
		}
		y += 32
	}
	widths := fitWidths(inv.Columns, 180)
	header := func() {
		x := 15.0
		pdf.SetFillColor(225, 225, 225)
		for i, c := range inv.Columns {
			pdf.SetFont("Helvetica", "B", 9)
			pdf.SetXY(x, y)
			pdf.CellFormat(widths[i], 7, tr(inv.ColumnLabels[c]), "B", 0, alignOf(c), !opt.invisible, 0, "")
			x += widths[i]
		}
		y += 8
	}
	header()
	for n, l := range inv.Lines {
		if y > 268 {
			text(15, 285, 180, 5, fmt.Sprintf("Page %d - continued on next page", page), "C", false, 8)
			newPage()
			text(15, 15, 180, 6, inv.Seller[0]+" - Invoice "+inv.InvoiceNumber+" (continued)", "L", false, 9)
			y = 25
			header()
		}
		x := 15.0
		for i, c := range inv.Columns {
			text(x, y, widths[i], 5.5, inv.cellValue(c, n, l), alignOf(c), false, 9)
			x += widths[i]
		}
		y += 5.5
	}
	y += 4
	if y > 240 {
		newPage()
		y = 25
	}
	for _, t := range inv.totalsRows() {
		text(105, y, 55, 6, t[0], "R", t[0] == inv.Labels["total"], 10)
		text(160, y, 35, 6, t[1], "R", t[0] == inv.Labels["total"], 10)
		y += 6
	}
	text(15, y+10, 180, 5, inv.Notes, "L", false, 8)
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("fpdf %s: %w", inv.ID, err)
	}
	return buf.Bytes(), nil
}

func inlineLabel(l string) string {
	if strings.HasSuffix(l, ":") {
		return l
	}
	return l + ":"
}

func ternary(c bool, a, b float64) float64 {
	if c {
		return a
	}
	return b
}

func fitWidths(cols []string, total float64) []float64 {
	sum := 0.0
	for _, c := range cols {
		sum += columnWidths[c]
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = columnWidths[c]
		if c == "description" {
			out[i] += total - sum
		}
	}
	return out
}

func alignOf(col string) string {
	switch col {
	case "quantity", "unit_price", "amount", "tax_rate":
		return "R"
	}
	return "L"
}

func (inv *Invoice) date(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format(inv.DateFormat)
}

// cellValue is the printed text of one line cell.
func (inv *Invoice) cellValue(col string, n int, l DataLine) string {
	switch col {
	case "line_no":
		return fmt.Sprint(n + 1)
	case "vendor_part":
		return l.VendorPart
	case "description":
		return l.Description
	case "quantity":
		return inv.num(decimal.RequireFromString(l.Quantity), 0)
	case "uom":
		return "pcs"
	case "tax_rate":
		return inv.TaxRate
	case "unit_price":
		return inv.price(l.UnitPrice)
	case "amount":
		return inv.money(inv.printedAmount(n, l))
	}
	return ""
}

// totalsRows are the label/value pairs under the table.
func (inv *Invoice) totalsRows() [][2]string {
	rows := [][2]string{{inv.Labels["subtotal"], inv.money(inv.subtotal())}}
	for _, c := range inv.Charges {
		rows = append(rows, [2]string{c.Label, inv.money(c.signed())})
	}
	if inv.TaxRate != "" {
		rows = append(rows, [2]string{inv.Labels["tax"] + " " + inv.TaxRate + "%", inv.money(inv.tax())})
	}
	total := inv.money(inv.printedTotal())
	if inv.Symbol == "" {
		total = inv.Currency + " " + total
	}
	return append(rows, [2]string{inv.Labels["total"], total})
}

package docs

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// The per-PO invoice template. Its cells are fixed, so reading it back is
// exact: no labels to guess, no columns to align. A hidden marker sheet
// says "this is our template" and which PO it was made for.
const (
	templateSheet       = "Invoice"
	templateMarkerSheet = "_pogate"
	templateMarker      = "pogate-invoice-template"
	templateVersion     = "1"
	templateHeaderRow   = 9  // line table headings
	templateFirstLine   = 10 // first line row
)

// Template header cells: label in column A, value in column B; charges and
// totals in columns E (label) and F (value).
var templateCells = struct {
	InvoiceNumber, InvoiceDate, PONumber, Currency string
	Freight, Discount, Tax, Total                  string
}{"B3", "B4", "B5", "B6", "F3", "F4", "F5", "F6"}

// templateColumns are the line table columns, A to F.
var templateColumns = []string{"Line", "Vendor Part", "Description", "Quantity", "Unit Price", "Amount"}

// TemplateInput is the PO the template is made for. Quantities are in the
// line's unit of measure; unit prices in micro-units (scale 6) of the PO
// currency, as the store keeps them.
type TemplateInput struct {
	PONumber     string
	Currency     string
	SupplierName string
	Lines        []TemplateLine
}

// TemplateLine is one PO line offered for invoicing.
type TemplateLine struct {
	LineNo          int
	VendorPart      string
	Description     string
	Quantity        int64
	UnitPriceMicros int64
}

// WriteTemplate writes the downloadable per-PO invoice workbook. The
// supplier fills in invoice number and date, adjusts quantities, prices
// and amounts, and uploads it; readTemplate reads it back cell by cell.
func WriteTemplate(w io.Writer, po TemplateInput) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", templateSheet); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	set := func(ref string, v any) error { return f.SetCellValue(templateSheet, ref, v) }
	text := func(ref, s string) error { return f.SetCellStr(templateSheet, ref, neutralize(s)) }
	num := func(ref, s string) error { return f.SetCellDefault(templateSheet, ref, s) }
	steps := []error{
		set("A1", "Invoice for purchase order "+neutralize(po.PONumber)),
		text("A2", po.SupplierName),
		set("A3", "Invoice Number"), set("A4", "Invoice Date (YYYY-MM-DD)"),
		set("A5", "PO Number"), text(templateCells.PONumber, po.PONumber),
		set("A6", "Currency"), text(templateCells.Currency, po.Currency),
		set("E3", "Freight"), set("E4", "Discount"), set("E5", "Tax"), set("E6", "Total"),
		set("A8", "Fill in the yellow cells. Amounts in "+neutralize(po.Currency)+"; do not move cells."),
	}
	for i, h := range templateColumns {
		ref, _ := excelize.CoordinatesToCellName(i+1, templateHeaderRow)
		steps = append(steps, set(ref, h))
	}
	for i, l := range po.Lines {
		row := templateFirstLine + i
		price := formatDecimal(decimal.New(l.UnitPriceMicros, -6), currencyDecimals(po.Currency))
		steps = append(steps,
			set(cell("A", row), l.LineNo),
			text(cell("B", row), l.VendorPart),
			text(cell("C", row), l.Description),
			num(cell("D", row), strconv.FormatInt(l.Quantity, 10)),
			num(cell("E", row), price),
		)
	}
	for _, err := range steps {
		if err != nil {
			return fmt.Errorf("template: %w", err)
		}
	}
	if err := styleTemplate(f, len(po.Lines)); err != nil {
		return err
	}
	if _, err := f.NewSheet(templateMarkerSheet); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	for ref, v := range map[string]string{"A1": templateMarker, "B1": templateVersion, "A2": "po_number", "B2": po.PONumber} {
		if err := f.SetCellStr(templateMarkerSheet, ref, v); err != nil {
			return fmt.Errorf("template: %w", err)
		}
	}
	if err := f.SetSheetVisible(templateMarkerSheet, false, true); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("template: write: %w", err)
	}
	return nil
}

func styleTemplate(f *excelize.File, lines int) error {
	input, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Color: []string{"FFF2CC"}, Pattern: 1}})
	if err != nil {
		return fmt.Errorf("template style: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("template style: %w", err)
	}
	ranges := [][3]any{{"B3", "B4", input}, {"F3", "F6", input}, {"A9", "F9", bold}, {"A1", "A1", bold}}
	if lines > 0 {
		ranges = append(ranges, [3]any{"D10", cell("F", templateFirstLine+lines-1), input})
	}
	for _, r := range ranges {
		if err := f.SetCellStyle(templateSheet, r[0].(string), r[1].(string), r[2].(int)); err != nil {
			return fmt.Errorf("template style: %w", err)
		}
	}
	if err := f.SetColWidth(templateSheet, "A", "A", 26); err != nil {
		return fmt.Errorf("template style: %w", err)
	}
	return f.SetColWidth(templateSheet, "C", "C", 40)
}

func cell(col string, row int) string { return col + strconv.Itoa(row) }

// neutralize stops spreadsheet formula injection: text that starts with a
// formula trigger gets an apostrophe, which the reader removes again.
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}

func isTemplate(f *excelize.File) bool {
	v, err := f.GetCellValue(templateMarkerSheet, "A1")
	return err == nil && v == templateMarker
}

// readTemplate reads the per-PO template cell by cell.
func readTemplate(f *excelize.File, limits Limits) (*Result, error) {
	if v, _ := f.GetCellValue(templateMarkerSheet, "B1"); v != templateVersion {
		return nil, refuse(RefusedUnsupported, "the invoice template is version %q; download a new template for this PO", v)
	}
	dates := dateStyles{f: f, known: map[int]bool{}}
	get := func(ref string) Cell {
		raw, _ := f.GetCellValue(templateSheet, ref, excelize.Options{RawCellValue: true})
		col, row, _ := excelize.CellNameToCoordinates(ref)
		_ = row
		return sheetCell(f, &dates, templateSheet, ref, col, raw)
	}
	loc := func(ref string) Location { return Location{Sheet: templateSheet, Cell: ref} }
	d := Draft{Fields: map[string]FieldInfo{}, Lines: []Line{}, Charges: []Charge{}, Reasons: []string{},
		Source: DocumentInfo{Kind: KindXLSX, Template: true, Pages: 1}}
	exact := func(field, ref, value string) {
		if value != "" {
			d.Fields[field] = FieldInfo{Value: value, Confidence: confidenceHinted, Source: loc(ref)}
		}
	}
	d.InvoiceNumber = get(templateCells.InvoiceNumber).Text
	exact(FieldInvoiceNumber, templateCells.InvoiceNumber, d.InvoiceNumber)
	if date := get(templateCells.InvoiceDate).Text; date != "" {
		if iso, _, ok := parseDate(date, orderDMY); ok {
			d.InvoiceDate = iso
			exact(FieldInvoiceDate, templateCells.InvoiceDate, iso)
		} else {
			d.NeedsReview = true
			d.Reasons = append(d.Reasons, fmt.Sprintf("invoice date %q in %s is not a date", date, templateCells.InvoiceDate))
		}
	}
	d.PONumber = get(templateCells.PONumber).Text
	exact(FieldPONumber, templateCells.PONumber, d.PONumber)
	d.Currency = strings.ToUpper(get(templateCells.Currency).Text)
	exact(FieldCurrency, templateCells.Currency, d.Currency)
	decimals := currencyDecimals(d.Currency)
	money := func(field, ref string) (string, bool) {
		c := get(ref)
		if c.Text == "" {
			return "", false
		}
		n, ok := parseNumber(c.Text, styleDotDecimal)
		if !ok {
			d.NeedsReview = true
			d.Reasons = append(d.Reasons, fmt.Sprintf("%s: %q is not a number", ref, c.Text))
			return "", false
		}
		v := formatDecimal(n.value, decimals)
		if field != "" {
			exact(field, ref, v)
		}
		return v, true
	}
	for row := templateFirstLine; ; row++ {
		if row-templateFirstLine >= limits.MaxRows {
			return nil, refuse(RefusedTooLarge, "the template has more than %d lines", limits.MaxRows)
		}
		qtyCell, priceCell, amountCell := get(cell("D", row)), get(cell("E", row)), get(cell("F", row))
		part, desc := get(cell("B", row)).Text, get(cell("C", row)).Text
		if qtyCell.Text == "" && priceCell.Text == "" && amountCell.Text == "" && part == "" && desc == "" {
			break
		}
		line := Line{VendorPart: part, Description: desc, Confidence: confidenceHinted, Source: loc(cell("A", row)),
			Cells: &LineRefs{Quantity: ptr(loc(cell("D", row))), UnitPrice: ptr(loc(cell("E", row))), Amount: ptr(loc(cell("F", row)))}}
		if n, ok := parseNumber(qtyCell.Text, styleDotDecimal); ok {
			line.Quantity = formatDecimal(n.value, 0)
		}
		if n, ok := parseNumber(priceCell.Text, styleDotDecimal); ok {
			line.UnitPrice = formatDecimal(n.value, decimals)
		}
		if n, ok := parseNumber(amountCell.Text, styleDotDecimal); ok {
			line.Amount = formatDecimal(n.value, decimals)
		} else if line.Quantity != "" && line.UnitPrice != "" && amountCell.Text == "" {
			// The template leaves amounts to the supplier; an empty amount
			// is the quantity times the price, computed once, half-even.
			q, _ := decimal.NewFromString(line.Quantity)
			p, _ := decimal.NewFromString(line.UnitPrice)
			line.Amount = formatDecimal(q.Mul(p).RoundBank(int32(decimals)), decimals)
		}
		for _, c := range []Cell{qtyCell, priceCell, amountCell} {
			if c.Formula {
				line.Formula = append(line.Formula, c.Ref)
			}
		}
		if line.Quantity == "0" && line.Amount != "" {
			if a, _ := decimal.NewFromString(line.Amount); a.IsZero() {
				continue // a PO line the supplier is not invoicing this time
			}
		}
		d.Lines = append(d.Lines, line)
	}
	if v, ok := money("", templateCells.Freight); ok {
		d.Charges = append(d.Charges, Charge{Kind: ChargeFreight, Label: "Freight", Amount: v, Confidence: confidenceHinted, Source: loc(templateCells.Freight)})
	}
	if v, ok := money("", templateCells.Discount); ok {
		if n, _ := decimal.NewFromString(v); n.IsPositive() {
			v = formatDecimal(n.Neg(), decimals)
		}
		d.Charges = append(d.Charges, Charge{Kind: ChargeDiscount, Label: "Discount", Amount: v, Confidence: confidenceHinted, Source: loc(templateCells.Discount)})
	}
	d.Tax, _ = money(FieldTax, templateCells.Tax)
	d.Total, _ = money(FieldTotal, templateCells.Total)
	reconcile(&d, decimals)
	return &Result{Draft: d}, nil
}

func ptr[T any](v T) *T { return &v }

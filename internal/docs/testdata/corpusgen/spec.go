package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// spec is the compact recipe from which -data writes one data file.
type spec struct {
	producer, style string
	currency        string
	symbol          string
	comma           bool
	dateFormat      string
	labels          int
	columns         int
	lines           int
	charges         []DataCharge
	taxRate         string
	fractionalPrice bool
	mistake         string
	longNames       bool
}

var labelSets = []map[string]string{
	{"invoice_number": "Invoice No.", "invoice_date": "Invoice Date", "po_number": "PO Number", "due_date": "Due Date", "subtotal": "Subtotal", "tax": "VAT", "total": "Total Due"},
	{"invoice_number": "Invoice #", "invoice_date": "Date", "po_number": "Purchase Order", "due_date": "Payment Due", "subtotal": "Sub-total", "tax": "Sales Tax", "total": "Total"},
	{"invoice_number": "Inv #", "invoice_date": "Date of Issue", "po_number": "Your Order No.", "due_date": "Due", "subtotal": "Net Total", "tax": "VAT", "total": "Amount Due"},
	{"invoice_number": "Invoice Number", "invoice_date": "Issue Date", "po_number": "PO #", "due_date": "Due Date", "subtotal": "Subtotal", "tax": "Tax", "total": "Balance Due"},
	{"invoice_number": "Invoice No:", "invoice_date": "Invoice Date:", "po_number": "P.O. No.:", "due_date": "Due Date:", "subtotal": "Total excl. VAT", "tax": "VAT", "total": "Total incl. VAT"},
	{"invoice_number": "Tax Invoice No.", "invoice_date": "Invoice Date", "po_number": "Customer PO", "due_date": "Pay By", "subtotal": "Goods Total", "tax": "GST", "total": "Grand Total"},
}

var columnSets = []struct {
	cols   []string
	labels map[string]string
}{
	{[]string{"vendor_part", "description", "quantity", "unit_price", "amount"}, map[string]string{"vendor_part": "SKU", "description": "Description", "quantity": "Qty", "unit_price": "Unit Price", "amount": "Amount"}},
	{[]string{"description", "vendor_part", "quantity", "unit_price", "amount"}, map[string]string{"description": "Item", "vendor_part": "Part No.", "quantity": "Quantity", "unit_price": "Price", "amount": "Total"}},
	{[]string{"line_no", "vendor_part", "description", "quantity", "unit_price", "amount"}, map[string]string{"line_no": "#", "vendor_part": "Item Code", "description": "Description", "quantity": "Qty", "unit_price": "Rate", "amount": "Line Total"}},
	{[]string{"vendor_part", "description", "quantity", "uom", "unit_price", "amount"}, map[string]string{"vendor_part": "Product Code", "description": "Product Description", "quantity": "Units", "uom": "UoM", "unit_price": "Unit Cost", "amount": "Ext. Price"}},
	{[]string{"line_no", "description", "vendor_part", "quantity", "unit_price", "amount"}, map[string]string{"line_no": "Line", "description": "Details", "vendor_part": "Supplier Part", "quantity": "Qty", "unit_price": "Price Each", "amount": "Net Amount"}},
	{[]string{"line_no", "vendor_part", "description", "quantity", "uom", "unit_price", "tax_rate", "amount"}, map[string]string{"line_no": "Pos.", "vendor_part": "Article no.", "description": "Description", "quantity": "Qty.", "uom": "Unit", "unit_price": "Unit price", "tax_rate": "VAT %", "amount": "Amount"}},
}

var (
	adjectives = []string{"Stainless steel", "Organic cotton", "Bamboo", "Recycled", "Ceramic", "Glass", "Oak", "Linen", "Copper", "Enamel", "Cast iron", "Silicone", "Wool", "Leather", "Cork"}
	nouns      = []string{"water bottle 750ml", "tote bag", "cutting board", "notebook A5", "coffee mug", "storage jar 1L", "serving tray", "tea towel set", "candle holder", "lunch box", "yoga mat", "desk organiser", "plant pot 14cm", "travel cup", "picnic blanket"}
	sellers    = [][]string{
		{"Northwind Supplies Ltd", "12 Harbour Road", "Bristol BS1 4QA", "VAT GB123456789"},
		{"Lindqvist Handelsgesellschaft mbH", "Industriestr. 7", "50667 Köln", "USt-IdNr. DE811234567"},
		{"Acme Home Goods Inc.", "400 Market Street, Suite 12", "Portland, OR 97204"},
		{"Kobayashi Trading Co., Ltd.", "3-2-1 Nihonbashi", "Chuo-ku, Tokyo 103-0027"},
		{"Maison Durand SARL", "8 rue des Lilas", "69003 Lyon", "TVA FR40123456789"},
	}
	finishes = []string{"matte black", "natural", "brushed", "glazed white", "sage green"}
	buyer    = []string{"Bill to:", "Fernleaf Living Ltd", "Unit 5, Riverside Park", "Leeds LS10 1AB"}
)

// specs is the corpus: 36 documents over six producers.
var specs = []spec{
	// fpdf: the supplier's own invoicing code (many small shops use fpdf/FPDF)
	{producer: "fpdf", style: "right", currency: "USD", symbol: "$", dateFormat: "01/02/2006", labels: 1, columns: 0, lines: 6, taxRate: "8.25"},
	{producer: "fpdf", style: "inline", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 4, columns: 2, lines: 9, taxRate: "19", charges: []DataCharge{{"freight", "Freight", "45.00"}}},
	{producer: "fpdf", style: "below", currency: "GBP", symbol: "£", dateFormat: "2 Jan 2006", labels: 0, columns: 1, lines: 5, taxRate: "20", charges: []DataCharge{{"discount", "Discount", "12.50"}}},
	{producer: "fpdf", style: "right", currency: "JPY", symbol: "¥", dateFormat: "2006-01-02", labels: 3, columns: 0, lines: 7, taxRate: "10"},
	{producer: "fpdf", style: "right", currency: "USD", dateFormat: "January 2, 2006", labels: 2, columns: 3, lines: 45, charges: []DataCharge{{"freight", "Shipping & Handling", "120.00"}, {"discount", "Volume Discount", "250.00"}}},
	{producer: "fpdf", style: "inline", currency: "EUR", symbol: "€", comma: true, dateFormat: "02/01/2006", labels: 5, columns: 4, lines: 12, taxRate: "21", fractionalPrice: true},
	{producer: "fpdf", style: "below", currency: "CHF", dateFormat: "02.01.2006", labels: 0, columns: 2, lines: 8, taxRate: "8.1", charges: []DataCharge{{"other", "Packaging", "18.00"}}},
	{producer: "fpdf", style: "right", currency: "GBP", dateFormat: "02/01/2006", labels: 3, columns: 4, lines: 3, taxRate: "20"},
	// Chromium print-to-PDF of an HTML invoice (web invoicing tools)
	{producer: "chromium", style: "modern", currency: "USD", symbol: "$", dateFormat: "Jan 2, 2006", labels: 1, columns: 0, lines: 8, taxRate: "7.5", charges: []DataCharge{{"freight", "Shipping", "35.00"}}},
	{producer: "chromium", style: "classic", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 4, columns: 1, lines: 10, taxRate: "19"},
	{producer: "chromium", style: "grid", currency: "GBP", symbol: "£", dateFormat: "02/01/2006", labels: 0, columns: 2, lines: 6, taxRate: "20", charges: []DataCharge{{"discount", "Trade Discount", "40.00"}, {"freight", "Delivery", "15.00"}}},
	{producer: "chromium", style: "modern", currency: "JPY", dateFormat: "2006-01-02", labels: 3, columns: 3, lines: 9, taxRate: "10"},
	{producer: "chromium", style: "classic", currency: "USD", dateFormat: "01/02/2006", labels: 2, columns: 4, lines: 48, charges: []DataCharge{{"freight", "Freight", "310.00"}}},
	{producer: "chromium", style: "grid", currency: "EUR", symbol: "€", comma: true, dateFormat: "2 January 2006", labels: 5, columns: 0, lines: 14, taxRate: "20", fractionalPrice: true},
	{producer: "chromium", style: "modern", currency: "CAD", dateFormat: "2006-01-02", labels: 3, columns: 1, lines: 4, taxRate: "13"},
	{producer: "chromium", style: "classic", currency: "GBP", dateFormat: "2 Jan 2006", labels: 0, columns: 3, lines: 60, taxRate: "20", charges: []DataCharge{{"discount", "Early Payment Discount", "95.00"}}},
	// LibreOffice Writer, exported from .odt
	{producer: "writer", style: "classic", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 0, columns: 0, lines: 7, taxRate: "19", charges: []DataCharge{{"freight", "Shipping", "9.90"}}},
	{producer: "writer", style: "modern", currency: "USD", symbol: "$", dateFormat: "01/02/2006", labels: 1, columns: 2, lines: 5},
	{producer: "writer", style: "grid", currency: "GBP", dateFormat: "2006-01-02", labels: 2, columns: 1, lines: 11, taxRate: "20"},
	{producer: "writer", style: "classic", currency: "JPY", symbol: "¥", dateFormat: "2006-01-02", labels: 3, columns: 4, lines: 6, taxRate: "10", charges: []DataCharge{{"freight", "Delivery", "1500"}}},
	{producer: "writer", style: "modern", currency: "EUR", dateFormat: "2 January 2006", labels: 5, columns: 3, lines: 42, taxRate: "21", charges: []DataCharge{{"discount", "Discount", "150.00"}}},
	{producer: "writer", style: "grid", currency: "USD", dateFormat: "January 2, 2006", labels: 0, columns: 0, lines: 9, taxRate: "6", fractionalPrice: true},
	// LibreOffice Calc, exported from the supplier's .xlsx
	{producer: "calc", style: "sheet", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 0, columns: 0, lines: 8, taxRate: "19"},
	{producer: "calc", style: "sheet", currency: "USD", dateFormat: "01/02/2006", labels: 1, columns: 1, lines: 12, charges: []DataCharge{{"freight", "Freight", "60.00"}}},
	{producer: "calc", style: "sheet", currency: "GBP", dateFormat: "2006-01-02", labels: 3, columns: 2, lines: 44, taxRate: "20"},
	{producer: "calc", style: "sheet", currency: "JPY", dateFormat: "2006-01-02", labels: 2, columns: 3, lines: 5, taxRate: "10"},
	{producer: "calc", style: "sheet", currency: "EUR", dateFormat: "02/01/2006", labels: 5, columns: 4, lines: 10, taxRate: "20", charges: []DataCharge{{"discount", "Discount", "30.00"}}},
	// Scanned-like: a page image with an invisible OCR text layer
	{producer: "scan", style: "right", currency: "GBP", symbol: "£", dateFormat: "02/01/2006", labels: 0, columns: 0, lines: 6, taxRate: "20"},
	{producer: "scan", style: "inline", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 4, columns: 1, lines: 9, taxRate: "19", charges: []DataCharge{{"freight", "Freight", "22.00"}}},
	{producer: "scan", style: "below", currency: "USD", dateFormat: "Jan 2, 2006", labels: 1, columns: 2, lines: 5},
	{producer: "scan", style: "right", currency: "JPY", dateFormat: "2006-01-02", labels: 3, columns: 3, lines: 41, taxRate: "10"},
	// The supplier's own spreadsheet, uploaded as .xlsx
	{producer: "xlsx", style: "sheet", currency: "EUR", dateFormat: "2006-01-02", labels: 0, columns: 0, lines: 10, taxRate: "19"},
	{producer: "xlsx", style: "sheet", currency: "USD", dateFormat: "2006-01-02", labels: 1, columns: 2, lines: 30, charges: []DataCharge{{"freight", "Shipping", "75.00"}}},
	{producer: "xlsx", style: "sheet", currency: "GBP", dateFormat: "2006-01-02", labels: 2, columns: 1, lines: 7, taxRate: "20", fractionalPrice: true},
	{producer: "xlsx", style: "sheet", currency: "JPY", dateFormat: "2006-01-02", labels: 3, columns: 4, lines: 6, taxRate: "10"},
	{producer: "xlsx", style: "sheet", currency: "CHF", dateFormat: "2006-01-02", labels: 5, columns: 3, lines: 9, taxRate: "8.1", charges: []DataCharge{{"discount", "Discount", "20.00"}}},
	// Later additions: wrapped long descriptions, and suppliers whose own
	// arithmetic is wrong (these must come back for review).
	{producer: "chromium", style: "wrap", currency: "USD", symbol: "$", dateFormat: "Jan 2, 2006", labels: 1, columns: 0, lines: 12, taxRate: "8.25", longNames: true},
	{producer: "writer", style: "classic", currency: "GBP", dateFormat: "02/01/2006", labels: 0, columns: 2, lines: 6, taxRate: "20", longNames: true},
	{producer: "fpdf", style: "right", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 0, columns: 0, lines: 7, taxRate: "19", mistake: "line_amount"},
	{producer: "chromium", style: "classic", currency: "USD", dateFormat: "01/02/2006", labels: 3, columns: 1, lines: 5, charges: []DataCharge{{"freight", "Freight", "25.00"}}, mistake: "total"},
	{producer: "xlsx", style: "sheet", currency: "EUR", dateFormat: "2006-01-02", labels: 4, columns: 0, lines: 8, taxRate: "19", mistake: "line_amount"},
	// Narrow table headings that wrap over two lines, a VAT-rate column.
	{producer: "chromium", style: "nordic", currency: "EUR", comma: true, dateFormat: "2 January 2006", labels: 2, columns: 5, lines: 9, taxRate: "25", charges: []DataCharge{{"freight", "Freight", "35.00"}}},
	{producer: "writer", style: "nordic", currency: "EUR", comma: true, dateFormat: "02.01.2006", labels: 0, columns: 5, lines: 7, taxRate: "25"},
	{producer: "fpdf", style: "below", currency: "USD", dateFormat: "Jan 2, 2006", labels: 3, columns: 5, lines: 11, taxRate: "7"},
}

// makeInvoice expands spec i into a data file, deterministically.
func makeInvoice(i int, s spec) Invoice {
	rng := rand.New(rand.NewPCG(uint64(i)+1, 2026))
	dec := "dot"
	if s.comma {
		dec = "comma"
	}
	date := time.Date(2026, time.Month(1+rng.IntN(10)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
	if i%3 == 0 && date.Day() <= 12 {
		date = date.AddDate(0, 0, 13) // keep some days > 12, and some ambiguous
	}
	cs := columnSets[s.columns]
	inv := Invoice{
		ID:            fmt.Sprintf("c%02d-%s-%s-%s", i+1, s.producer, s.style, strings.ToLower(s.currency)),
		Producer:      s.producer,
		Style:         s.style,
		Currency:      s.currency,
		Symbol:        s.symbol,
		Decimal:       dec,
		DateFormat:    s.dateFormat,
		InvoiceNumber: []string{"INV-", "", "SI", "F2026-", "RE-"}[i%5] + fmt.Sprintf("%05d", 1000+rng.IntN(90000)),
		InvoiceDate:   date.Format("2006-01-02"),
		DueDate:       date.AddDate(0, 0, 30).Format("2006-01-02"),
		PONumber:      fmt.Sprintf("PO-%06d", 100000+rng.IntN(900000)),
		Labels:        labelSets[s.labels],
		Columns:       cs.cols,
		ColumnLabels:  cs.labels,
		Seller:        sellers[i%len(sellers)],
		Buyer:         buyer,
		Charges:       s.charges,
		TaxRate:       s.taxRate,
		Notes:         "Payment terms: 30 days net. Please quote the invoice number with your payment.",
		Mistake:       s.mistake,
	}
	for n := 0; n < s.lines; n++ {
		l := DataLine{
			VendorPart:  fmt.Sprintf("%s-%04d", []string{"AB", "NW", "LX", "KT", "MD"}[rng.IntN(5)], rng.IntN(10000)),
			Description: adjectives[rng.IntN(len(adjectives))] + " " + nouns[rng.IntN(len(nouns))],
		}
		if s.longNames {
			l.Description += ", " + finishes[rng.IntN(len(finishes))] + " finish, carton of six, FSC certified packaging"
		}
		l.Quantity = fmt.Sprint(1 + rng.IntN(240))
		switch {
		case s.currency == "JPY":
			l.UnitPrice = fmt.Sprint(80 + rng.IntN(12000))
		case s.fractionalPrice && n%3 == 1:
			l.UnitPrice = decimal.New(int64(50+rng.IntN(5000)), -3).String() // 0.050 – 5.049
		default:
			l.UnitPrice = decimal.New(int64(35+rng.IntN(150000)), -2).StringFixed(2)
		}
		if n%7 == 3 {
			l.Quantity = fmt.Sprint(1000 + rng.IntN(4000)) // thousands separators in amounts and quantities
		}
		inv.Lines = append(inv.Lines, l)
	}
	return inv
}

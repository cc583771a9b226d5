// Command corpusgen builds the invoice corpus that internal/docs is tested
// against. It has two steps, both deterministic:
//
//	go run ./internal/docs/testdata/corpusgen -data    # (re)write data/*.json from seeded specs
//	go run ./internal/docs/testdata/corpusgen -render  # render every data file with its producer
//
// The data files are the source of truth: edit one and re-render. Each is
// rendered by the producer named in it (fpdf, Chromium print-to-PDF,
// LibreOffice Writer from .odt, LibreOffice Calc from .xlsx, a scanned-like
// image PDF with an invisible text layer, or a supplier's own .xlsx), and
// the expected values of all of them are written to corpus/expected.json.
// Rendered files are committed because CI has no Chromium or LibreOffice.
package main

import (
	"strings"

	"github.com/shopspring/decimal"
)

// Invoice is one corpus data file.
type Invoice struct {
	ID            string            `json:"id"`
	Producer      string            `json:"producer"` // fpdf, chromium, writer, calc, scan, xlsx
	Style         string            `json:"style"`    // layout variant of the producer
	Currency      string            `json:"currency"`
	Symbol        string            `json:"symbol,omitempty"` // printed before amounts, e.g. "€"
	Decimal       string            `json:"decimal"`          // "dot" (1,234.56) or "comma" (1.234,56)
	DateFormat    string            `json:"date_format"`      // Go layout
	InvoiceNumber string            `json:"invoice_number"`
	InvoiceDate   string            `json:"invoice_date"` // ISO
	DueDate       string            `json:"due_date,omitempty"`
	PONumber      string            `json:"po_number"`
	Labels        map[string]string `json:"labels"`
	Columns       []string          `json:"columns"`
	ColumnLabels  map[string]string `json:"column_labels"`
	Seller        []string          `json:"seller"`
	Buyer         []string          `json:"buyer"`
	Lines         []DataLine        `json:"lines"`
	Charges       []DataCharge      `json:"charges,omitempty"`
	TaxRate       string            `json:"tax_rate,omitempty"` // percent
	Notes         string            `json:"notes,omitempty"`
	// Mistake makes the supplier's own arithmetic wrong, as happens with
	// hand-edited invoices: "line_amount" prints line 2's amount one unit
	// too high, "total" prints the total ten units too high. Such an
	// invoice must come back marked for review.
	Mistake string `json:"mistake,omitempty"`
}

// DataLine is one invoice line as the supplier bills it.
type DataLine struct {
	VendorPart  string `json:"vendor_part"`
	Description string `json:"description"`
	Quantity    string `json:"quantity"`
	UnitPrice   string `json:"unit_price"`
}

// DataCharge is a header charge; discounts are given positive and printed
// as deductions.
type DataCharge struct {
	Kind   string `json:"kind"` // freight, discount, other
	Label  string `json:"label"`
	Amount string `json:"amount"`
}

func (inv *Invoice) decimals() int32 {
	switch inv.Currency {
	case "JPY":
		return 0
	}
	return 2
}

func (inv *Invoice) amount(l DataLine) decimal.Decimal {
	q := decimal.RequireFromString(l.Quantity)
	p := decimal.RequireFromString(l.UnitPrice)
	return q.Mul(p).RoundBank(inv.decimals())
}

// printedAmount is the line amount as the document states it, mistakes
// included.
func (inv *Invoice) printedAmount(n int, l DataLine) decimal.Decimal {
	a := inv.amount(l)
	if inv.Mistake == "line_amount" && n == 1 {
		a = a.Add(decimal.NewFromInt(1))
	}
	return a
}

// printedTotal is the total as the document states it.
func (inv *Invoice) printedTotal() decimal.Decimal {
	if inv.Mistake == "total" {
		return inv.total().Add(decimal.NewFromInt(10))
	}
	return inv.total()
}

func (inv *Invoice) subtotal() decimal.Decimal {
	s := decimal.Zero
	for _, l := range inv.Lines {
		s = s.Add(inv.amount(l))
	}
	return s
}

func (c DataCharge) signed() decimal.Decimal {
	v := decimal.RequireFromString(c.Amount)
	if c.Kind == "discount" {
		return v.Neg()
	}
	return v
}

func (inv *Invoice) taxBase() decimal.Decimal {
	b := inv.subtotal()
	for _, c := range inv.Charges {
		b = b.Add(c.signed())
	}
	return b
}

func (inv *Invoice) tax() decimal.Decimal {
	if inv.TaxRate == "" {
		return decimal.Zero
	}
	r := decimal.RequireFromString(inv.TaxRate)
	return inv.taxBase().Mul(r).Div(decimal.NewFromInt(100)).RoundBank(inv.decimals())
}

func (inv *Invoice) total() decimal.Decimal { return inv.taxBase().Add(inv.tax()) }

// money prints an amount the way this supplier does: separators, symbol.
func (inv *Invoice) money(v decimal.Decimal) string {
	s := inv.num(v, inv.decimals())
	if inv.Symbol != "" {
		if strings.HasPrefix(s, "-") {
			return "-" + inv.Symbol + s[1:]
		}
		return inv.Symbol + s
	}
	return s
}

// price prints a unit price with at least the currency's decimals.
func (inv *Invoice) price(s string) string {
	v := decimal.RequireFromString(s)
	places := inv.decimals()
	if -v.Exponent() > places {
		places = -v.Exponent()
	}
	return inv.num(v, places)
}

func (inv *Invoice) qty(s string) string { return s }

// num formats v with places decimals and the supplier's separators.
func (inv *Invoice) num(v decimal.Decimal, places int32) string {
	neg := v.IsNegative()
	s := v.Abs().StringFixed(places)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	thousands, point := ",", "."
	if inv.Decimal == "comma" {
		thousands, point = ".", ","
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point + frac)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Expected is the golden record of one corpus document.
type Expected struct {
	ID            string         `json:"id"`
	File          string         `json:"file"`
	Producer      string         `json:"producer"`
	InvoiceNumber string         `json:"invoice_number"`
	InvoiceDate   string         `json:"invoice_date"`
	PONumber      string         `json:"po_number"`
	Currency      string         `json:"currency"`
	Lines         []ExpectedLine `json:"lines"`
	Charges       []string       `json:"charges"` // signed amounts, in order
	Subtotal      string         `json:"subtotal"`
	Tax           string         `json:"tax"`
	Total         string         `json:"total"`
	// NeedsReview is true when the document itself does not add up; its
	// values above are as printed.
	NeedsReview bool `json:"needs_review"`
}

// ExpectedLine is a golden line; amounts are plain decimals.
type ExpectedLine struct {
	VendorPart  string `json:"vendor_part"`
	Description string `json:"description"`
	Quantity    string `json:"quantity"`
	UnitPrice   string `json:"unit_price"`
	Amount      string `json:"amount"`
}

func (inv *Invoice) expected(file string) Expected {
	e := Expected{ID: inv.ID, File: file, Producer: inv.Producer, InvoiceNumber: inv.InvoiceNumber, InvoiceDate: inv.InvoiceDate,
		PONumber: inv.PONumber, Currency: inv.Currency, Charges: []string{}}
	d := inv.decimals()
	for n, l := range inv.Lines {
		p := decimal.RequireFromString(l.UnitPrice)
		places := d
		if -p.Exponent() > places {
			places = -p.Exponent()
		}
		e.Lines = append(e.Lines, ExpectedLine{VendorPart: l.VendorPart, Description: l.Description, Quantity: l.Quantity,
			UnitPrice: p.StringFixed(places), Amount: inv.printedAmount(n, l).StringFixed(d)})
	}
	for _, c := range inv.Charges {
		e.Charges = append(e.Charges, c.signed().StringFixed(d))
	}
	e.Subtotal = inv.subtotal().StringFixed(d)
	if inv.TaxRate != "" {
		e.Tax = inv.tax().StringFixed(d)
	}
	e.Total = inv.printedTotal().StringFixed(d)
	e.NeedsReview = inv.Mistake != ""
	return e
}

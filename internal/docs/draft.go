package docs

// Draft is the extracted invoice, in the document's own units: amounts and
// quantities are decimal strings exactly as the document states them (after
// normalising the number format), so "1.234,50" becomes "1234.50". Consumers
// convert to minor units with MinorUnits and UnitPriceMicros.
type Draft struct {
	InvoiceNumber string   `json:"invoice_number"`
	InvoiceDate   string   `json:"invoice_date"` // ISO 8601 (YYYY-MM-DD) or "" when not found
	DueDate       string   `json:"due_date,omitempty"`
	PONumber      string   `json:"po_number"`
	Currency      string   `json:"currency"` // ISO 4217 code
	Lines         []Line   `json:"lines"`
	Subtotal      string   `json:"subtotal,omitempty"`
	Charges       []Charge `json:"charges"`
	Tax           string   `json:"tax"`
	Total         string   `json:"total"`
	NeedsReview   bool     `json:"needs_review"`
	Reasons       []string `json:"reasons"`
	// Fields says, per header field name (the JSON names above), how sure the
	// extractor is and where the value was found, so the confirm page can
	// highlight it.
	Fields map[string]FieldInfo `json:"fields"`
	// Source describes the document as a whole.
	Source DocumentInfo `json:"source"`
}

// Line is one invoice line.
type Line struct {
	VendorPart  string    `json:"vendor_part"`
	Description string    `json:"description"`
	Quantity    string    `json:"quantity"`
	UnitPrice   string    `json:"unit_price"`
	Amount      string    `json:"amount"`
	Confidence  int       `json:"confidence"`
	Source      Location  `json:"source"`
	Formula     []string  `json:"formula_cells,omitempty"` // XLSX cells whose value came from a formula
	Problems    []string  `json:"problems,omitempty"`
	Cells       *LineRefs `json:"cells,omitempty"`
}

// LineRefs locates each value of a line, for highlighting.
type LineRefs struct {
	VendorPart  *Location `json:"vendor_part,omitempty"`
	Description *Location `json:"description,omitempty"`
	Quantity    *Location `json:"quantity,omitempty"`
	UnitPrice   *Location `json:"unit_price,omitempty"`
	Amount      *Location `json:"amount,omitempty"`
}

// ChargeKind classifies header-level charges and allowances.
type ChargeKind string

// Charge kinds. Discounts are stored negative so that
// lines + charges + tax = total holds by plain addition.
const (
	ChargeFreight  ChargeKind = "freight"
	ChargeDiscount ChargeKind = "discount"
	ChargeOther    ChargeKind = "other"
)

// Charge is a header-level charge (freight, surcharge) or allowance
// (discount, negative amount).
type Charge struct {
	Kind       ChargeKind `json:"kind"`
	Label      string     `json:"label"`
	Amount     string     `json:"amount"`
	Confidence int        `json:"confidence"`
	Source     Location   `json:"source"`
}

// FieldInfo is the confidence (0–100) and origin of one header field.
type FieldInfo struct {
	Value      string   `json:"value"`
	Confidence int      `json:"confidence"`
	Source     Location `json:"source"`
	// Label is the document text that identified the value ("Inv #").
	Label string `json:"label,omitempty"`
}

// Location is where a value sits: page and position (PDF points from the
// top-left corner of the page) for PDFs, sheet and cell for spreadsheets.
type Location struct {
	Page  int     `json:"page,omitempty"`
	X     float64 `json:"x,omitempty"`
	Y     float64 `json:"y,omitempty"`
	Sheet string  `json:"sheet,omitempty"`
	Cell  string  `json:"cell,omitempty"`
}

// DocumentInfo describes the file that was read.
type DocumentInfo struct {
	Kind     Kind   `json:"kind"`
	Pages    int    `json:"pages,omitempty"`
	Rows     int    `json:"rows,omitempty"`
	Template bool   `json:"template,omitempty"` // the exact per-PO XLSX template
	Hinted   bool   `json:"hinted,omitempty"`   // supplier layout hints were used
	Producer string `json:"producer,omitempty"`
}

// Result is what an extraction returns: the draft, and the text layout it
// was read from. The layout lets LearnHints work out, from a corrected draft,
// where this supplier puts things, without parsing the file again.
type Result struct {
	Draft  Draft   `json:"draft"`
	Layout *Layout `json:"layout,omitempty"`
}

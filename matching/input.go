package matching

import "time"

// Input is everything one match run looks at. The engine reads it and never
// keeps or changes it; a store can serialise it next to the Decision so the
// page can explain, later, exactly what the engine saw.
type Input struct {
	PO         PO             `json:"po"`
	Invoice    Invoice        `json:"invoice"`
	Priors     []PriorInvoice `json:"priors,omitempty"`
	Tolerances Tolerances     `json:"tolerances"`
}

// PO is the purchase order side of the match. For an invoice that spans
// several POs, pass the union of their lines (line IDs must be unique).
type PO struct {
	ID         int64    `json:"id"`
	SupplierID int64    `json:"supplier_id"`
	Currency   string   `json:"currency"` // ISO 4217; the brand/PO currency
	Lines      []POLine `json:"lines"`
	// Charges agreed on the PO that have not been invoiced yet (freight,
	// handling …), in minor units. Invoice charges are compared with these.
	Charges []Charge `json:"charges,omitempty"`
}

// POLine carries the PO price and the quantities the quantity check needs.
// All quantities are in the PO line's unit of measure; convert before.
type POLine struct {
	ID              int64  `json:"id"`
	SKU             string `json:"sku"`
	VendorPart      string `json:"vendor_part,omitempty"`
	OrderedQty      int64  `json:"ordered_qty"`       // net of cancellations
	ReceivedQty     int64  `json:"received_qty"`      // good quantity over all receipts
	InvoicedQty     int64  `json:"invoiced_qty"`      // on earlier payable invoices, net of credit notes
	UnitPriceMicros int64  `json:"unit_price_micros"` // PO price, scale 6
	// ReceiptClosed says no more goods will arrive on this line (short
	// receipt closed, rest backordered on another PO or cancelled). An
	// invoice beyond the received quantity is then an exception rather than
	// something to wait for.
	ReceiptClosed bool `json:"receipt_closed,omitempty"`
}

// Invoice is the supplier document being matched. Amounts are minor units of
// Invoice.Currency, as printed: a credit note states positive figures and
// CreditNote carries the sign.
type Invoice struct {
	ID         int64         `json:"id"` // 0 when not stored yet; used to skip itself among Priors
	SupplierID int64         `json:"supplier_id"`
	Number     string        `json:"number"` // as printed; normalised by the engine
	Date       time.Time     `json:"date"`
	Currency   string        `json:"currency"`
	CreditNote bool          `json:"credit_note,omitempty"`
	Lines      []InvoiceLine `json:"lines"`
	Charges    []Charge      `json:"charges,omitempty"`    // freight, handling …: added to the total
	Allowances []Charge      `json:"allowances,omitempty"` // discounts, rebates: subtracted from the total
	Tax        int64         `json:"tax"`
	Total      int64         `json:"total"` // stated grand total
	// UnconfidentFields names the fields an extractor (PDF, Excel) could not
	// read with confidence. Any entry makes the invoice an exception.
	UnconfidentFields []string `json:"unconfident_fields,omitempty"`
}

// InvoiceLine refers to a PO line by ID when the source knows it (PO flip,
// 810 with line numbers) or else by SKU or vendor part. Both UnitPriceMicros
// and Amount are required; a source that prints only one derives the other
// before calling the engine.
type InvoiceLine struct {
	POLineID        int64  `json:"po_line_id,omitempty"`
	SKU             string `json:"sku,omitempty"`
	VendorPart      string `json:"vendor_part,omitempty"`
	Description     string `json:"description,omitempty"`
	Qty             int64  `json:"qty"`
	UnitPriceMicros int64  `json:"unit_price_micros"`
	Amount          int64  `json:"amount"`
}

// Charge is a header-level charge or allowance. Codes are compared
// case-insensitively ("FREIGHT" = "freight").
type Charge struct {
	Code        string `json:"code"`
	Description string `json:"description,omitempty"`
	Amount      int64  `json:"amount"`
}

// PriorInvoice is an earlier invoice (or credit note) of the same supplier,
// for duplicate detection. Pass live documents only: a rejected invoice that
// the supplier corrects and resends under the same number is not a duplicate.
type PriorInvoice struct {
	ID         int64     `json:"id"`
	Number     string    `json:"number"` // raw or already normalised
	Date       time.Time `json:"date"`
	Currency   string    `json:"currency"`
	Total      int64     `json:"total"`
	CreditNote bool      `json:"credit_note,omitempty"`
}

package matching

import "time"

// EngineVersion identifies the rules that produced a Decision; stores keep it
// beside the decision so an old explanation is read with the rules of its day.
const EngineVersion = "1"

// Outcome is the verdict for a whole invoice (and, with the same values, for
// each line).
type Outcome string

// Outcomes. Exception beats awaiting_receipt beats matched.
const (
	Matched         Outcome = "matched"          // goes to the payable queue
	AwaitingReceipt Outcome = "awaiting_receipt" // re-run when goods are received
	Exception       Outcome = "exception"        // accounts payable decides
)

// Measure names what a Figure's numbers count.
type Measure string

// Measures, with the scale of their numbers.
const (
	MeasureQuantity  Measure = "quantity"   // scale 0, line unit
	MeasureUnitPrice Measure = "unit_price" // scale 6, micro-units
	MeasureAmount    Measure = "amount"     // scale = currency exponent, minor units
)

// Side says which side of a band a difference fell on.
type Side string

// Sides.
const (
	SideUpper Side = "upper"
	SideLower Side = "lower"
)

// Figure is the arithmetic behind a reason, in integers with their scale, so
// a page can print it in its own format: Expected is what the PO and
// receipts allow, Actual what the invoice says, Difference = Actual −
// Expected, Allowed the absolute allowance on Side (tolerance plus any
// rounding allowance), and Tolerance where that allowance came from.
type Figure struct {
	Measure    Measure       `json:"measure"`
	Scale      int           `json:"scale"`
	Expected   int64         `json:"expected"`
	Actual     int64         `json:"actual"`
	Difference int64         `json:"difference"`
	Allowed    int64         `json:"allowed"`
	Rounding   int64         `json:"rounding,omitempty"` // part of Allowed granted for rounding, not by policy
	Side       Side          `json:"side,omitempty"`
	Tolerance  ResolvedBound `json:"tolerance"`
}

// PriorRef points at the earlier invoice a duplicate reason is about.
type PriorRef struct {
	ID        int64     `json:"id"`
	Number    string    `json:"number"`
	Date      time.Time `json:"date"`
	Total     int64     `json:"total"`
	DaysApart int64     `json:"days_apart"`
}

// Reason is one finding. Message is a complete sentence for people
// ("line 2: 500 invoiced, 480 received …"); the other fields are for code.
type Reason struct {
	Code     Code      `json:"code"`
	Message  string    `json:"message"`
	Line     int       `json:"line,omitempty"`       // 1-based invoice line; 0 for header reasons
	POLineID int64     `json:"po_line_id,omitempty"` // the PO line the line matched, if any
	Figure   *Figure   `json:"figure,omitempty"`
	Prior    *PriorRef `json:"prior,omitempty"`
}

// LineResult is the outcome for one invoice line with every figure the
// quantity and price checks used, whether or not they passed.
type LineResult struct {
	Line     int     `json:"line"` // 1-based
	POLineID int64   `json:"po_line_id,omitempty"`
	SKU      string  `json:"sku,omitempty"`
	Outcome  Outcome `json:"outcome"`

	Invoiced       int64    `json:"invoiced"`        // quantity on this line
	Ordered        int64    `json:"ordered"`         // PO line ordered quantity
	Received       int64    `json:"received"`        // PO line received good quantity
	InvoicedBefore int64    `json:"invoiced_before"` // on earlier invoices plus earlier lines of this one
	Available      int64    `json:"available"`       // Received − InvoicedBefore (credit notes: InvoicedBefore)
	PriceMicros    int64    `json:"price_micros"`    // invoice unit price
	POPriceMicros  int64    `json:"po_price_micros"` // PO unit price
	Amount         int64    `json:"amount"`          // stated line amount
	ExpectedAmount int64    `json:"expected_amount"` // Invoiced × PO price, rounded once
	ComputedAmount int64    `json:"computed_amount"` // Invoiced × invoice price, rounded once
	QuantityEffect int64    `json:"quantity_effect"` // add to POLine.InvoicedQty once payable (negative for credit notes)
	Reasons        []Reason `json:"reasons,omitempty"`
}

// Totals is the header arithmetic: Computed = Lines + Charges − Allowances + Tax.
type Totals struct {
	Lines      int64 `json:"lines"`
	Charges    int64 `json:"charges"`
	Allowances int64 `json:"allowances"`
	Tax        int64 `json:"tax"`
	Computed   int64 `json:"computed"`
	Stated     int64 `json:"stated"`
	Difference int64 `json:"difference"` // Stated − Computed
	Allowed    int64 `json:"allowed"`    // rounding allowance
}

// Decision is the engine's answer for one invoice.
type Decision struct {
	Outcome  Outcome  `json:"outcome"`
	Currency Currency `json:"currency"` // the invoice currency (exponent of every amount here)
	// Payable is what this document adds to the amount owed to the supplier,
	// in minor units: the stated total, negative for a credit note.
	Payable int64        `json:"payable"`
	Totals  Totals       `json:"totals"`
	Reasons []Reason     `json:"reasons,omitempty"` // header reasons
	Lines   []LineResult `json:"lines"`
	Version string       `json:"version"`
}

// Codes lists every reason code in the decision, header first, in order.
func (d *Decision) Codes() []Code {
	var out []Code
	for _, r := range d.Reasons {
		out = append(out, r.Code)
	}
	for _, l := range d.Lines {
		for _, r := range l.Reasons {
			out = append(out, r.Code)
		}
	}
	return out
}

// Has reports whether any header or line reason carries code.
func (d *Decision) Has(code Code) bool {
	for _, r := range d.Reasons {
		if r.Code == code {
			return true
		}
	}
	for _, l := range d.Lines {
		for _, r := range l.Reasons {
			if r.Code == code {
				return true
			}
		}
	}
	return false
}

// Messages lists every reason message, header first: the explanation a page
// or an e-mail to the supplier shows.
func (d *Decision) Messages() []string {
	var out []string
	for _, r := range d.Reasons {
		out = append(out, r.Message)
	}
	for _, l := range d.Lines {
		for _, r := range l.Reasons {
			out = append(out, r.Message)
		}
	}
	return out
}

// Effect is the change one payable document makes to a PO line's invoiced
// quantity.
type Effect struct {
	POLineID int64 `json:"po_line_id"`
	Qty      int64 `json:"qty"`
}

// Effects sums QuantityEffect per PO line, in first-seen order: what the
// store adds to POLine.InvoicedQty, in the same transaction that queues the
// invoice as payable (or when AP accepts an exception).
func (d *Decision) Effects() []Effect {
	var out []Effect
next:
	for _, l := range d.Lines {
		if l.POLineID == 0 || l.QuantityEffect == 0 {
			continue
		}
		for i := range out {
			if out[i].POLineID == l.POLineID {
				out[i].Qty = satAdd(out[i].Qty, l.QuantityEffect)
				continue next
			}
		}
		out = append(out, Effect{POLineID: l.POLineID, Qty: l.QuantityEffect})
	}
	return out
}

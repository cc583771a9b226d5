package matching

// Code is a machine-readable reason. The set is closed; pages may switch on it.
type Code string

// Line reason codes.
const (
	CodeAwaitingReceipt      Code = "awaiting_receipt"       // invoiced more than received, goods still expected
	CodeQtyOverReceipt       Code = "qty_over_receipt"       // invoiced more than received, no more goods expected
	CodeQtyOverOrder         Code = "qty_over_order"         // invoiced more than ordered
	CodeCreditOverInvoiced   Code = "credit_over_invoiced"   // credit note credits more than was invoiced
	CodePriceOverTolerance   Code = "price_over_tolerance"   // unit price above PO price beyond tolerance
	CodePriceUnderTolerance  Code = "price_under_tolerance"  // unit price below PO price beyond tolerance
	CodeAmountOverTolerance  Code = "amount_over_tolerance"  // line amount above qty × PO price beyond tolerance
	CodeAmountUnderTolerance Code = "amount_under_tolerance" // line amount below qty × PO price beyond tolerance
	CodeAmountMismatch       Code = "amount_mismatch"        // line amount ≠ qty × invoice price (supplier arithmetic)
	CodeUnknownItem          Code = "unknown_item"           // no PO line for the reference
	CodeInvalidQuantity      Code = "invalid_quantity"       // zero or negative quantity
	CodeInvalidPrice         Code = "invalid_price"          // negative unit price
	CodeInvalidAmount        Code = "invalid_amount"         // negative amount
	CodeInvalidPOLine        Code = "invalid_po_line"        // PO line with negative figures
	CodeArithmeticOverflow   Code = "arithmetic_overflow"    // figures too large to compute exactly
)

// Header reason codes.
const (
	CodeCurrencyMismatch       Code = "currency_mismatch"
	CodeUnknownCurrency        Code = "unknown_currency"
	CodeSupplierMismatch       Code = "supplier_mismatch"
	CodeTotalMismatch          Code = "total_mismatch" // total ≠ lines + charges − allowances + tax
	CodeChargeOverAgreed       Code = "charge_over_agreed"
	CodeDuplicateInvoice       Code = "duplicate_invoice"
	CodeNearDuplicate          Code = "near_duplicate"
	CodeMissingInvoiceNumber   Code = "missing_invoice_number"
	CodeMissingInvoiceDate     Code = "missing_invoice_date"
	CodeNoLines                Code = "no_lines"
	CodeNotConfidentExtraction Code = "not_confident_extraction"
)

// codeInfo is the closed list of codes with a short title for filters and
// column headers; Message carries the specifics.
var codeInfo = []struct {
	code  Code
	title string
}{
	{CodeAwaitingReceipt, "Awaiting receipt"},
	{CodeQtyOverReceipt, "Quantity over receipt"},
	{CodeQtyOverOrder, "Quantity over order"},
	{CodeCreditOverInvoiced, "Credit over invoiced quantity"},
	{CodePriceOverTolerance, "Price over tolerance"},
	{CodePriceUnderTolerance, "Price under tolerance"},
	{CodeAmountOverTolerance, "Line amount over tolerance"},
	{CodeAmountUnderTolerance, "Line amount under tolerance"},
	{CodeAmountMismatch, "Line arithmetic wrong"},
	{CodeUnknownItem, "Unknown item"},
	{CodeInvalidQuantity, "Invalid quantity"},
	{CodeInvalidPrice, "Invalid price"},
	{CodeInvalidAmount, "Invalid amount"},
	{CodeInvalidPOLine, "Invalid PO line"},
	{CodeArithmeticOverflow, "Figures too large"},
	{CodeCurrencyMismatch, "Currency mismatch"},
	{CodeUnknownCurrency, "Unknown currency"},
	{CodeSupplierMismatch, "Supplier mismatch"},
	{CodeTotalMismatch, "Total mismatch"},
	{CodeChargeOverAgreed, "Charge over agreed"},
	{CodeDuplicateInvoice, "Duplicate invoice"},
	{CodeNearDuplicate, "Possible duplicate"},
	{CodeMissingInvoiceNumber, "Missing invoice number"},
	{CodeMissingInvoiceDate, "Missing invoice date"},
	{CodeNoLines, "No lines"},
	{CodeNotConfidentExtraction, "Not extracted with confidence"},
}

// AllCodes lists every reason code the engine can emit, line codes first.
func AllCodes() []Code {
	out := make([]Code, len(codeInfo))
	for i, c := range codeInfo {
		out[i] = c.code
	}
	return out
}

// Title is a short human label for the code ("Quantity over receipt"); an
// unknown code (from a newer engine, say) is returned as is.
func (c Code) Title() string {
	for _, ci := range codeInfo {
		if ci.code == c {
			return ci.title
		}
	}
	return string(c)
}

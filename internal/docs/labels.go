package docs

import (
	"regexp"
	"strings"
)

// Header field names, shared by Draft JSON, FieldInfo keys and Hints.
const (
	FieldInvoiceNumber = "invoice_number"
	FieldInvoiceDate   = "invoice_date"
	FieldDueDate       = "due_date"
	FieldPONumber      = "po_number"
	FieldCurrency      = "currency"
	FieldSubtotal      = "subtotal"
	FieldTax           = "tax"
	FieldTotal         = "total"
)

// headerLabels are the English label variants for header fields, matched
// at the start of a normalised (lower-case, single-spaced) cell. The value
// follows in the same cell, the next cell, or the cell below.
var headerLabels = map[string]*regexp.Regexp{
	FieldInvoiceNumber: regexp.MustCompile(`^(?:(?:tax |commercial )?invoice|inv\.?|bill)\s*(?:no\.?|number|num\.?|nr\.?|#|id|ref(?:erence)?)(?:\s*[:#.])?\s*`),
	FieldInvoiceDate:   regexp.MustCompile(`^(?:invoice date|inv\.? date|date of invoice|date of issue|issue date|issued(?: on)?|invoice dated|billing date|tax point|date)(?:\s*[:.])?\s*`),
	FieldDueDate:       regexp.MustCompile(`^(?:due date|payment due(?: date)?|due(?: on)?|pay by)(?:\s*[:.])?\s*`),
	FieldPONumber:      regexp.MustCompile(`^(?:p\.?\s?o\.?\s*(?:no\.?|number|#|ref(?:erence)?|nr\.?)?|purchase order(?: no\.?| number| #| ref(?:erence)?)?|your (?:order|po|p\.o\.)(?: no\.?| number| #| ref(?:erence)?)?|customer po(?: no\.?| number| #)?|order (?:no\.?|number|#|ref(?:erence)?))(?:\s*[:#.])?\s*`),
	FieldCurrency:      regexp.MustCompile(`^(?:currency|invoice currency|ccy)(?:\s*[:.])?\s*`),
}

// headerFieldOrder fixes the search order, so "Invoice Date" is claimed by
// the date before the looser "Invoice No" pattern could see it.
var headerFieldOrder = []string{FieldInvoiceDate, FieldDueDate, FieldInvoiceNumber, FieldPONumber, FieldCurrency}

// Column kinds of the line table.
const (
	ColLineNo      = "line_no"
	ColVendorPart  = "vendor_part"
	ColDescription = "description"
	ColQuantity    = "quantity"
	ColUOM         = "uom"
	ColUnitPrice   = "unit_price"
	ColAmount      = "amount"
	ColTaxRate     = "tax_rate"
	ColDiscount    = "discount"
)

var columnLabels = []struct {
	kind string
	re   *regexp.Regexp
}{
	{ColLineNo, regexp.MustCompile(`^(?:#|no\.?|line(?: no\.?)?|ln|pos\.?|position|item #?\s*no\.? line)$`)},
	{ColVendorPart, regexp.MustCompile(`^(?:sku|part(?: no\.?| number| #)?|item (?:no\.?|number|#|code)|product (?:code|no\.?|id)|code|article (?:no\.?|number)|art\.? ?no\.?|ref\.?|reference|catalog(?:ue)? (?:no\.?|#)|supplier part(?: no\.?)?|vendor part(?: no\.?)?|your part(?: no\.?)?|model|mpn|style)$`)},
	{ColDescription, regexp.MustCompile(`^(?:description|item|items|product|products|details|article|goods|item description|product description|designation|particulars|service|description of goods)$`)},
	{ColQuantity, regexp.MustCompile(`^(?:qty\.?|quantity|units|qnty|q'ty|qty shipped|quantity shipped|ship qty)$`)},
	{ColUOM, regexp.MustCompile(`^(?:uom|u/m|unit|units of measure|unit of measure)$`)},
	{ColUnitPrice, regexp.MustCompile(`^(?:unit price|price|rate|unit cost|cost|price ?/ ?unit|price each|each|net price|u\.? ?price|unit rate|price per unit)$`)},
	{ColAmount, regexp.MustCompile(`^(?:amount|total|line total|ext\.? price|extended(?: price| amount)?|net amount|net|value|line amount|total price|net value|subtotal)$`)},
	{ColTaxRate, regexp.MustCompile(`^(?:vat ?%?|tax ?%?|vat rate|tax rate|gst ?%?)$`)},
	{ColDiscount, regexp.MustCompile(`^(?:disc\.? ?%?|discount ?%?)$`)},
}

// reHeaderCurrencySuffix strips "(EUR)", "EUR", "in €" from table headings
// such as "Unit Price (EUR)" before they are matched.
var reHeaderCurrencySuffix = regexp.MustCompile(`\s*(?:\((?:[a-z]{3}|[$€£¥])\)|in [a-z]{3}|in [$€£¥]|[$€£¥])$`)

func columnKind(text string) string {
	t := normalize(text)
	t = reHeaderCurrencySuffix.ReplaceAllString(t, "")
	if code := strings.Fields(t); len(code) > 1 {
		if _, ok := isoCurrencies[strings.ToUpper(code[len(code)-1])]; ok {
			t = strings.Join(code[:len(code)-1], " ")
		}
	}
	for _, c := range columnLabels {
		if c.re.MatchString(t) {
			return c.kind
		}
	}
	return ""
}

// Totals-area label kinds.
const (
	totalSubtotal = "subtotal"
	totalTax      = "tax"
	totalTotal    = "total"
	totalFreight  = "freight"
	totalDiscount = "discount"
	totalOther    = "other"
	totalIgnore   = "ignore"
)

var (
	reSubtotalLabel = regexp.MustCompile(`^(?:sub-? ?total|net total|total net|net amount|goods total|total goods|total excl|total before tax|total ex\.? ?(?:vat|tax)|merchandise total|lines total|total net amount)`)
	reTaxLabel      = regexp.MustCompile(`^(?:total )?(?:vat|tax|sales tax|gst|hst|mwst|iva|value added tax)\b`)
	reTotalLabel    = regexp.MustCompile(`^(?:total|amount due|balance due|grand total|invoice total|amount payable|please pay|total due|net payable)`)
	reFreightLabel  = regexp.MustCompile(`^(?:shipping|freight|delivery|carriage|postage|transport|s ?& ?h)`)
	reDiscountLabel = regexp.MustCompile(`^(?:discount|less discount|rebate|trade discount|allowance|early payment discount|volume discount|promotional discount)`)
	reOtherLabel    = regexp.MustCompile(`^(?:surcharge|packaging|packing|handling|insurance|fuel surcharge|small order fee|environmental fee)`)
	reIgnoreLabel   = regexp.MustCompile(`^(?:amount paid|paid|deposit|payments?|credit applied)`)
	reStrongTotal   = regexp.MustCompile(`due|payable|grand|invoice total|incl|please pay`)
)

// totalsKind classifies the label text of a totals-area row.
func totalsKind(label string) (kind string, strong bool) {
	t := normalize(label)
	switch {
	case reIgnoreLabel.MatchString(t):
		return totalIgnore, false
	case reSubtotalLabel.MatchString(t):
		return totalSubtotal, false
	case reTaxLabel.MatchString(t) && !strings.Contains(t, "incl"):
		return totalTax, false
	case reTotalLabel.MatchString(t):
		return totalTotal, reStrongTotal.MatchString(t)
	case reFreightLabel.MatchString(t):
		return totalFreight, false
	case reDiscountLabel.MatchString(t):
		return totalDiscount, false
	case reOtherLabel.MatchString(t):
		return totalOther, false
	}
	return "", false
}

// normalize lower-cases and single-spaces a cell for label matching.
func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

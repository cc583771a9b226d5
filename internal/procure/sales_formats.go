package procure

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/tabular"
)

// salesFormat describes one kind of sales export. Headers are matched after
// tabular.NormaliseHeader ("Lineitem sku" → "lineitem_sku"); display names
// are what errors call the column, as the file spells it.
type salesFormat struct {
	name, title, hint string
	required          []string
	aliases           map[string]string
	display           map[string]string
	parse             func(f salesFormat, t *tabular.Table, c tabular.Columns, out *SalesFile)
}

var salesFormats = map[string]salesFormat{
	// generic: date, sku, quantity [, channel] [, order_id]. One row per sale
	// line; without an order_id column a row is identified by the file and row.
	"generic": {
		name: "generic", title: "generic sales", hint: "columns date, sku, quantity and optionally channel and order_id",
		required: []string{"date", "sku", "quantity"},
		aliases: map[string]string{"sold_on": "date", "day": "date", "qty": "quantity", "units": "quantity",
			"order": "order_id", "order_number": "order_id", "ref": "order_id", "reference": "order_id"},
		display: map[string]string{"date": "date", "sku": "sku", "quantity": "quantity", "channel": "channel"},
		parse:   parseGeneric,
	},
	// shopify: Shopify admin > Orders > Export (CSV). Columns used: Name (the
	// order, e.g. #1001), Created at, Financial Status, Cancelled at, Lineitem
	// quantity, Lineitem sku. The export repeats the order on one row per line
	// item but fills the order fields only on its first row, so they are
	// carried down. Excluded: Financial Status refunded or voided, or any
	// Cancelled at. (partially_refunded orders are kept: the export does not
	// say which line was refunded.)
	"shopify": {
		name: "shopify", title: "Shopify orders export", hint: "Name, Created at, Financial Status, Lineitem quantity, Lineitem sku",
		required: []string{"name", "created_at", "lineitem_quantity", "lineitem_sku"},
		display: map[string]string{"name": "Name", "created_at": "Created at", "financial_status": "Financial Status",
			"cancelled_at": "Cancelled at", "lineitem_quantity": "Lineitem quantity", "lineitem_sku": "Lineitem sku"},
		parse: parseShopify,
	},
	// amazon: Seller Central > Reports > Fulfillment > All Orders (flat file,
	// tab-separated). Columns used: amazon-order-id, purchase-date,
	// order-status, item-status (if present), sku, quantity. Excluded:
	// order-status or item-status Cancelled.
	"amazon": {
		name: "amazon", title: "Amazon All Orders report", hint: "tab-separated amazon-order-id, purchase-date, order-status, sku, quantity",
		required: []string{"amazon_order_id", "purchase_date", "order_status", "sku", "quantity"},
		display: map[string]string{"amazon_order_id": "amazon-order-id", "purchase_date": "purchase-date", "order_status": "order-status",
			"item_status": "item-status", "sku": "sku", "quantity": "quantity"},
		parse: parseAmazon,
	},
	// ebay: Seller Hub > Orders > Download report (CSV). Accepted headers:
	// "Order Number" (or "Sales Record Number"), "Sale Date", "Custom Label"
	// (also "Custom label (SKU)" or "SKU"), "Quantity", and optionally one of
	// "Order Status", "Status", "Cancel Status", "Cancellation Status",
	// "Refund Status": a value containing cancel or refund excludes the line.
	// Sale dates like "Mar-05-24", "Mar-05-2024", "03/05/2024", "2024-03-05".
	// Order summary rows (no SKU and no quantity) and eBay's trailing
	// "record(s) downloaded" line are skipped.
	"ebay": {
		name: "ebay", title: "eBay orders report", hint: "Order Number, Sale Date, Custom Label, Quantity",
		required: []string{"order_number", "sale_date", "custom_label", "quantity"},
		aliases: map[string]string{"sales_record_number": "order_number", "custom_label_(sku)": "custom_label", "sku": "custom_label",
			"status": "order_status", "cancel_status": "cancel_status", "cancellation_status": "cancel_status"},
		display: map[string]string{"order_number": "Order Number", "sale_date": "Sale Date", "custom_label": "Custom Label", "quantity": "Quantity"},
		parse:   parseEbay,
	},
}

// lineErr adds a row error naming the column as the file spells it.
func (f salesFormat) lineErr(out *SalesFile, row int, col, format string, args ...any) {
	name := f.display[col]
	if name == "" {
		name = col
	}
	out.Errors = append(out.Errors, RowError{Row: row, Column: name, Reason: fmt.Sprintf(format, args...)})
}

// quantity reads a positive whole number.
func (f salesFormat) quantity(out *SalesFile, row int, col, v string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 {
		f.lineErr(out, row, col, "%q is not a positive whole number", v)
		return 0, false
	}
	return n, true
}

// date reads a date in one of layouts, or reports the cell.
func (f salesFormat) date(out *SalesFile, row int, col, v string, layouts []string, expect string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return dayOf(t), true
		}
	}
	if v == "" {
		f.lineErr(out, row, col, "is empty; expected a date (%s)", expect)
	} else {
		f.lineErr(out, row, col, "%q is not a valid date (expected %s)", v, expect)
	}
	return time.Time{}, false
}

// refs numbers repeated (order, sku) pairs so two lines of one order with the
// same SKU stay two sales.
type refs map[string]int

func (r refs) next(order, sku string) string {
	k := order + "|" + sku
	r[k]++
	if r[k] == 1 {
		return k
	}
	return fmt.Sprintf("%s|%d", k, r[k])
}

var genericDates = []string{"2006-01-02", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

func parseGeneric(f salesFormat, t *tabular.Table, c tabular.Columns, out *SalesFile) {
	seen := refs{}
	for _, row := range t.Rows {
		n := row.Number
		before := len(out.Errors)
		day, _ := f.date(out, n, "date", c.Get(row, "date"), genericDates, "YYYY-MM-DD")
		sku := c.Get(row, "sku")
		if sku == "" {
			f.lineErr(out, n, "sku", "is empty")
		}
		qty, _ := f.quantity(out, n, "quantity", c.Get(row, "quantity"))
		channel := strings.ToLower(c.Get(row, "channel"))
		if channel == "" {
			channel = "generic"
		}
		if len(out.Errors) > before {
			continue
		}
		ref := ""
		if order := c.Get(row, "order_id"); order != "" {
			ref = "order:" + seen.next(order, sku)
		} else {
			// No order id: the row is its own identity, so the same row in
			// an overlapping file cannot be recognised; say so in the docs.
			ref = fmt.Sprintf("row:%s|%s|%d", day.Format("2006-01-02"), sku, n)
		}
		out.Lines = append(out.Lines, SalesLine{Row: n, SKU: sku, SKUColumn: "sku", Day: day, Quantity: qty, Channel: channel, SourceRef: ref})
	}
}

var shopifyDates = []string{"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 Z0700", time.RFC3339, "2006-01-02 15:04:05", "2006-01-02"}

func parseShopify(f salesFormat, t *tabular.Table, c tabular.Columns, out *SalesFile) {
	type order struct {
		created   string
		createdAt int // row the date came from
		financial string
		cancelled string
	}
	orders := map[string]*order{}
	seen := refs{}
	for _, row := range t.Rows {
		n := row.Number
		name := c.Get(row, "name")
		if name == "" {
			f.lineErr(out, n, "name", "is empty; every row needs the order name (e.g. #1001)")
			continue
		}
		o := orders[name]
		if o == nil {
			o = &order{}
			orders[name] = o
		}
		// Order-level fields are filled on the order's first row only.
		if v := c.Get(row, "created_at"); v != "" {
			o.created, o.createdAt = v, n
		}
		if v := c.Get(row, "financial_status"); v != "" {
			o.financial = strings.ToLower(v)
		}
		if v := c.Get(row, "cancelled_at"); v != "" {
			o.cancelled = v
		}
		if o.cancelled != "" || o.financial == "refunded" || o.financial == "voided" {
			out.Excluded++
			continue
		}
		before := len(out.Errors)
		created := o.created
		if created == "" {
			f.lineErr(out, n, "created_at", "is empty and no earlier row of order %s has it", name)
		}
		var day time.Time
		if created != "" {
			day, _ = f.date(out, n, "created_at", created, shopifyDates, "YYYY-MM-DD HH:MM:SS -0500")
		}
		sku := c.Get(row, "lineitem_sku")
		if sku == "" {
			f.lineErr(out, n, "lineitem_sku", "is empty; give the variant a SKU in Shopify")
		}
		qty, _ := f.quantity(out, n, "lineitem_quantity", c.Get(row, "lineitem_quantity"))
		if len(out.Errors) > before {
			continue
		}
		out.Lines = append(out.Lines, SalesLine{Row: n, SKU: sku, SKUColumn: f.display["lineitem_sku"], Day: day, Quantity: qty,
			Channel: "shopify", SourceRef: seen.next(name, sku)})
	}
}

var amazonDates = []string{time.RFC3339, "2006-01-02T15:04:05-07:00", "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05", "2006-01-02"}

func parseAmazon(f salesFormat, t *tabular.Table, c tabular.Columns, out *SalesFile) {
	seen := refs{}
	for _, row := range t.Rows {
		n := row.Number
		if strings.EqualFold(c.Get(row, "order_status"), "cancelled") || strings.EqualFold(c.Get(row, "item_status"), "cancelled") {
			out.Excluded++
			continue
		}
		before := len(out.Errors)
		id := c.Get(row, "amazon_order_id")
		if id == "" {
			f.lineErr(out, n, "amazon_order_id", "is empty")
		}
		day, _ := f.date(out, n, "purchase_date", c.Get(row, "purchase_date"), amazonDates, "2024-03-05T10:15:30+00:00")
		sku := c.Get(row, "sku")
		if sku == "" {
			f.lineErr(out, n, "sku", "is empty")
		}
		qty, _ := f.quantity(out, n, "quantity", c.Get(row, "quantity"))
		if len(out.Errors) > before {
			continue
		}
		out.Lines = append(out.Lines, SalesLine{Row: n, SKU: sku, SKUColumn: "sku", Day: day, Quantity: qty, Channel: "amazon", SourceRef: seen.next(id, sku)})
	}
}

var ebayDates = []string{"Jan-02-06", "Jan-02-2006", "01/02/2006", "1/2/2006", "2006-01-02", time.RFC3339, "Jan 02, 2006"}

func parseEbay(f salesFormat, t *tabular.Table, c tabular.Columns, out *SalesFile) {
	seen := refs{}
	for _, row := range t.Rows {
		n := row.Number
		order := c.Get(row, "order_number")
		sku, qtyText := c.Get(row, "custom_label"), c.Get(row, "quantity")
		if sku == "" && qtyText == "" {
			// Order summary rows of multi-item orders, and the trailer line.
			continue
		}
		if strings.Contains(strings.ToLower(strings.Join(row.Cells, " ")), "record(s) downloaded") {
			continue
		}
		status := strings.ToLower(c.Get(row, "order_status") + " " + c.Get(row, "cancel_status") + " " + c.Get(row, "refund_status"))
		if strings.Contains(status, "cancel") || strings.Contains(status, "refund") {
			out.Excluded++
			continue
		}
		before := len(out.Errors)
		if order == "" {
			f.lineErr(out, n, "order_number", "is empty")
		}
		day, _ := f.date(out, n, "sale_date", c.Get(row, "sale_date"), ebayDates, "Mar-05-24 or 2024-03-05")
		if sku == "" {
			f.lineErr(out, n, "custom_label", "is empty; set the listing's Custom Label (SKU) in eBay")
		}
		qty, _ := f.quantity(out, n, "quantity", qtyText)
		if len(out.Errors) > before {
			continue
		}
		out.Lines = append(out.Lines, SalesLine{Row: n, SKU: sku, SKUColumn: f.display["custom_label"], Day: day, Quantity: qty, Channel: "ebay", SourceRef: seen.next(order, sku)})
	}
}

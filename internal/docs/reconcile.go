package docs

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// reconcile checks the arithmetic of a draft and fills NeedsReview and
// Reasons. It is the safety net of the whole package: whatever the layout
// heuristics got wrong, a wrong number almost never still adds up, so an
// invoice that reconciles is very likely read right, and one that does not
// goes to a human.
func reconcile(d *Draft, decimals int) {
	review := func(format string, args ...any) {
		d.NeedsReview = true
		d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...))
	}
	if d.InvoiceNumber == "" {
		review("no invoice number found")
	}
	if d.InvoiceDate == "" {
		review("no invoice date found")
	}
	if d.PONumber == "" {
		review("no purchase order number found")
	}
	if d.Currency == "" {
		review("the currency is not stated on the invoice")
	}
	if len(d.Lines) == 0 {
		review("no invoice lines found")
	}
	linesSum := decimal.Zero
	linesOK := true
	for i := range d.Lines {
		l := &d.Lines[i]
		amount, _ := decimal.NewFromString(l.Amount)
		linesSum = linesSum.Add(amount)
		if l.Quantity == "" || l.UnitPrice == "" {
			l.Problems = append(l.Problems, "quantity or unit price missing")
			l.Confidence = confidenceDoubtful
			linesOK = false
			review("line %d: quantity or unit price missing", i+1)
			continue
		}
		qty, _ := decimal.NewFromString(l.Quantity)
		price, _ := decimal.NewFromString(l.UnitPrice)
		want := qty.Mul(price).RoundBank(int32(decimals))
		if !want.Equal(amount) {
			l.Problems = append(l.Problems, fmt.Sprintf("%s × %s = %s, not %s", l.Quantity, l.UnitPrice, formatDecimal(want, decimals), l.Amount))
			l.Confidence = confidenceDoubtful
			linesOK = false
			review("line %d: %s × %s = %s but the amount says %s", i+1, l.Quantity, l.UnitPrice, formatDecimal(want, decimals), l.Amount)
		}
	}
	base := linesSum
	if d.Subtotal != "" {
		sub, _ := decimal.NewFromString(d.Subtotal)
		if !sub.Equal(linesSum) {
			review("the lines add up to %s but the subtotal says %s", formatDecimal(linesSum, decimals), d.Subtotal)
			lower(d, FieldSubtotal)
		}
		base = sub
	}
	if d.Total == "" {
		review("no invoice total found")
		return
	}
	expected := base
	for _, c := range d.Charges {
		v, _ := decimal.NewFromString(c.Amount)
		expected = expected.Add(v)
	}
	if d.Tax != "" {
		tax, _ := decimal.NewFromString(d.Tax)
		expected = expected.Add(tax)
	}
	total, _ := decimal.NewFromString(d.Total)
	if !expected.Equal(total) {
		review("lines + charges + tax = %s but the total says %s", formatDecimal(expected, decimals), d.Total)
		lower(d, FieldTotal)
		return
	}
	if linesOK {
		// Everything adds up: the numbers were read right with high
		// probability, whatever the labels looked like.
		raise(d, FieldTotal)
		raise(d, FieldSubtotal)
		raise(d, FieldTax)
		for i := range d.Lines {
			d.Lines[i].Confidence = max(d.Lines[i].Confidence, confidenceHinted)
		}
	}
}

func lower(d *Draft, field string) {
	if f, ok := d.Fields[field]; ok {
		f.Confidence = min(f.Confidence, confidenceDoubtful)
		d.Fields[field] = f
	}
}

func raise(d *Draft, field string) {
	if f, ok := d.Fields[field]; ok {
		f.Confidence = max(f.Confidence, confidenceHinted)
		d.Fields[field] = f
	}
}

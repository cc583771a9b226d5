package matching

import (
	"fmt"
	"strconv"
	"strings"
)

// Messages are built only when a check fails, so their formatting costs
// nothing on the matched path. They state the figures first ("500 invoiced,
// 480 received") because that is what AP and suppliers argue about.

func qty(v int64) string { return strconv.FormatInt(v, 10) }

func signed(s string) string {
	if strings.HasPrefix(s, "-") {
		return s
	}
	return "+" + s
}

// beyond explains the allowance a difference exceeded and where it came
// from: "more than the +0.30 allowed by 3.00% (sku) or 0.50 (brand),
// whichever is less", or "no difference is allowed (exact, none set)".
func beyond(f *Figure, unitPrice bool) string {
	if f.Allowed == 0 {
		return "no difference is allowed (" + f.Tolerance.describe(f.Scale, unitPrice) + ")"
	}
	a := FormatScaled(f.Allowed, f.Scale)
	if unitPrice {
		a = FormatUnitPrice(f.Allowed)
	}
	sign := "+"
	if f.Side == SideLower {
		sign = "-"
	}
	policy := f.Allowed - f.Rounding
	by := f.Tolerance.describe(f.Scale, unitPrice)
	switch {
	case f.Rounding > 0 && policy == 0 && !f.Tolerance.PercentBP.Set && !f.Tolerance.Absolute.Set:
		by = FormatScaled(f.Rounding, f.Scale) + " for rounding"
	case f.Rounding > 0:
		by += " plus " + FormatScaled(f.Rounding, f.Scale) + " for rounding"
	}
	return "more than the " + sign + a + " allowed by " + by
}

func msgQtyOverReceipt(lr *LineResult, f *Figure) string {
	return fmt.Sprintf("line %d: %s invoiced, %s received, %s already invoiced: %s more than received and not yet invoiced, with receiving on this line closed; %s",
		lr.Line, qty(lr.Invoiced), qty(lr.Received), qty(lr.InvoicedBefore), qty(f.Difference), beyond(f, false))
}

func msgQtyOverOrder(lr *LineResult, f *Figure) string {
	return fmt.Sprintf("line %d: %s invoiced, %s ordered, %s already invoiced: %s more than ordered and not yet invoiced; %s",
		lr.Line, qty(lr.Invoiced), qty(lr.Ordered), qty(lr.InvoicedBefore), qty(f.Difference), beyond(f, false))
}

func msgAwaiting(lr *LineResult, f *Figure) string {
	return fmt.Sprintf("line %d: %s invoiced, %s received, %s already invoiced, %s ordered: waiting for %s more to be received",
		lr.Line, qty(lr.Invoiced), qty(lr.Received), qty(lr.InvoicedBefore), qty(lr.Ordered), qty(satSub(f.Difference, f.Allowed)))
}

func msgCreditOver(lr *LineResult, f *Figure) string {
	return fmt.Sprintf("line %d: credit for %s, but only %s invoiced and not yet credited; %s",
		lr.Line, qty(lr.Invoiced), qty(f.Expected), beyond(f, false))
}

func msgPrice(lr *LineResult, f *Figure) string {
	pct := ""
	if bp, ok := ratioBP(f.Difference, f.Expected); ok {
		pct = ", " + signed(FormatPercent(bp)) + "%"
	}
	return fmt.Sprintf("line %d: unit price %s vs PO %s (%s%s): %s",
		lr.Line, FormatUnitPrice(f.Actual), FormatUnitPrice(f.Expected), signed(FormatUnitPrice(f.Difference)), pct, beyond(f, true))
}

func msgAmountTolerance(lr *LineResult, f *Figure) string {
	return fmt.Sprintf("line %d: amount %s vs %s × PO price %s = %s (%s): %s",
		lr.Line, FormatScaled(f.Actual, f.Scale), qty(lr.Invoiced), FormatUnitPrice(lr.POPriceMicros), FormatScaled(f.Expected, f.Scale),
		signed(FormatScaled(f.Difference, f.Scale)), beyond(f, false))
}

func msgAmountMismatch(lr *LineResult, f *Figure) string {
	return fmt.Sprintf("line %d: amount %s but %s × %s = %s (%s): %s",
		lr.Line, FormatScaled(f.Actual, f.Scale), qty(lr.Invoiced), FormatUnitPrice(lr.PriceMicros), FormatScaled(f.Expected, f.Scale),
		signed(FormatScaled(f.Difference, f.Scale)), beyond(f, false))
}

func msgUnknownItem(line int, il *InvoiceLine) string {
	var refs []string
	if il.POLineID != 0 {
		refs = append(refs, "PO line id "+strconv.FormatInt(il.POLineID, 10))
	}
	if s := strings.TrimSpace(il.SKU); s != "" {
		refs = append(refs, "SKU "+strconv.Quote(s))
	}
	if s := strings.TrimSpace(il.VendorPart); s != "" {
		refs = append(refs, "vendor part "+strconv.Quote(s))
	}
	if len(refs) == 0 {
		return fmt.Sprintf("line %d: no PO line, SKU or vendor part given", line)
	}
	return fmt.Sprintf("line %d: no line of the PO matches %s", line, strings.Join(refs, " or "))
}

func msgInvalidPOLine(line int, pl *POLine) string {
	return fmt.Sprintf("line %d: PO line %d has a negative figure (ordered %d, received %d, invoiced %d, price %s)",
		line, pl.ID, pl.OrderedQty, pl.ReceivedQty, pl.InvoicedQty, FormatUnitPrice(pl.UnitPriceMicros))
}

func msgInvalid(line int, what, value, rule string) string {
	return fmt.Sprintf("line %d: %s %s is not valid (%s)", line, what, value, rule)
}

func msgOverflow(line int) string {
	return fmt.Sprintf("line %d: quantity × price is too large to compute exactly", line)
}

func msgUnknownCurrency(side, code string) string {
	return fmt.Sprintf("%s currency %q is not an ISO 4217 currency", side, code)
}

func msgCurrencyMismatch(inv, po string) string {
	return fmt.Sprintf("invoice currency %s differs from PO currency %s", inv, po)
}

func msgSupplierMismatch(inv, po int64) string {
	return fmt.Sprintf("invoice is from supplier %d but the PO belongs to supplier %d", inv, po)
}

func msgUnconfident(fields []string) string {
	return "extraction not confident for: " + strings.Join(fields, ", ")
}

func msgTotal(t *Totals, exp int) string {
	a := func(v int64) string { return FormatScaled(v, exp) }
	return fmt.Sprintf("total %s but lines %s + charges %s − allowances %s + tax %s = %s (%s; %s allowed for rounding)",
		a(t.Stated), a(t.Lines), a(t.Charges), a(t.Allowances), a(t.Tax), a(t.Computed), signed(a(t.Difference)), a(t.Allowed))
}

func msgCharge(code string, f *Figure) string {
	if code == "" {
		code = "(no code)"
	}
	if f.Expected == 0 {
		return fmt.Sprintf("charge %s %s is not agreed on the PO: %s", code, FormatScaled(f.Actual, f.Scale), beyond(f, false))
	}
	return fmt.Sprintf("charge %s %s but %s agreed on the PO (%s): %s", code, FormatScaled(f.Actual, f.Scale),
		FormatScaled(f.Expected, f.Scale), signed(FormatScaled(f.Difference, f.Scale)), beyond(f, false))
}

func msgDuplicate(number string, p *PriorInvoice, normalised string) string {
	return fmt.Sprintf("invoice number %q is the same as earlier invoice %q dated %s (both read %s)",
		number, p.Number, dateText(p), normalised)
}

func msgNearDuplicate(p *PriorInvoice, days int64, exp int) string {
	return fmt.Sprintf("earlier invoice %q dated %s has the same total %s %s and is %d day(s) apart: possible duplicate",
		p.Number, dateText(p), FormatScaled(p.Total, exp), strings.ToUpper(p.Currency), days)
}

func dateText(p *PriorInvoice) string {
	if p.Date.IsZero() {
		return "(no date)"
	}
	return p.Date.Format("2006-01-02")
}

package procure

import (
	"fmt"
	"sort"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// ApprovalDecision is what the approval rules say about a submitted PO.
type ApprovalDecision struct {
	// Auto is true when the PO may be approved without an approver.
	Auto bool
	// Rule names the rule that decided, as stored in purchase_orders.approval_rule:
	// brand_threshold, supplier_threshold, category_threshold:<category>,
	// currency_differs.
	Rule string
	// ThresholdMinor is the threshold that applied (0 for currency_differs).
	ThresholdMinor int64
	// Reason says it in words, for the audit trail and the approver.
	Reason string
}

// approvalInputs is everything the rules look at; kept apart from the
// database so the rules are a pure function with table tests.
type approvalInputs struct {
	Total          int64
	Currency       string
	Brand          store.BrandSettings
	Supplier       store.Supplier
	CategoryLimits map[string]int64
}

// decideApproval applies the rules in order:
//  1. a PO in another currency than the brand's cannot be compared with
//     brand or category thresholds without an exchange rate: it goes to an
//     approver unless the supplier has its own threshold (in its currency);
//  2. the thresholds that apply are the supplier's (when set) and those of
//     every category on the PO; the strictest wins;
//  3. with neither, the brand threshold (default 2,000.00) applies;
//  4. total ≤ threshold → auto-approve; above → an approver decides.
func decideApproval(in approvalInputs) ApprovalDecision {
	type limit struct {
		rule  string
		minor int64
		label string
	}
	var limits []limit
	if in.Supplier.ApprovalThresholdMinor != nil {
		limits = append(limits, limit{"supplier_threshold", *in.Supplier.ApprovalThresholdMinor, "supplier " + in.Supplier.Code + " threshold"})
	}
	sameCurrency := in.Currency == in.Brand.Currency
	if sameCurrency {
		cats := make([]string, 0, len(in.CategoryLimits))
		for c := range in.CategoryLimits {
			cats = append(cats, c)
		}
		sort.Strings(cats)
		for _, c := range cats {
			limits = append(limits, limit{"category_threshold:" + c, in.CategoryLimits[c], "category " + c + " threshold"})
		}
		if len(limits) == 0 {
			limits = append(limits, limit{"brand_threshold", in.Brand.ApprovalThresholdMinor, "brand threshold"})
		}
	}
	if len(limits) == 0 {
		return ApprovalDecision{Rule: "currency_differs", Reason: fmt.Sprintf(
			"the PO is in %s and the brand's thresholds are in %s; an approver must decide", in.Currency, in.Brand.Currency)}
	}
	strictest := limits[0]
	for _, l := range limits[1:] {
		if l.minor < strictest.minor {
			strictest = l
		}
	}
	total := money(in.Total, in.Currency)
	thr := money(strictest.minor, in.Currency)
	if in.Total <= strictest.minor {
		return ApprovalDecision{Auto: true, Rule: strictest.rule, ThresholdMinor: strictest.minor,
			Reason: fmt.Sprintf("total %s is within the %s of %s: approved automatically", total, strictest.label, thr)}
	}
	return ApprovalDecision{Rule: strictest.rule, ThresholdMinor: strictest.minor,
		Reason: fmt.Sprintf("total %s is above the %s of %s: an approver must approve", total, strictest.label, thr)}
}

// money formats minor units with the currency's decimals ("2000.00 USD").
func money(minor int64, currency string) string {
	exp, ok := matching.CurrencyExponent(currency)
	if !ok {
		exp = 2
	}
	return matching.FormatScaled(minor, exp) + " " + currency
}

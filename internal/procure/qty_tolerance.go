package procure

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// ToleranceKindQuantity is the tolerance_rules kind that governs quantities.
// Its upper side is also the over-delivery allowance: an ASN may ship, and a
// receipt may accept, up to ordered + allowance on a line. The same rule that
// lets AP pay for 2% over-delivery lets the dock take it in, so the two can
// never disagree. Resolution is supplier › SKU › brand; set nowhere = exact.
const ToleranceKindQuantity = "quantity"

// qtyTolerance answers the over-delivery allowance of a PO line.
type qtyTolerance struct {
	supplier, brand matching.Policy
	sku             map[int64]matching.Policy
}

func loadQtyTolerance(tx *store.Tx, supplierID int64, lines []store.POLine) (*qtyTolerance, error) {
	rules, err := tx.ToleranceRules(ToleranceKindQuantity, supplierID, productIDsOf(lines))
	if err != nil {
		return nil, err
	}
	return qtyToleranceFrom(rules), nil
}

func productIDsOf(lines []store.POLine) []int64 {
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		ids = append(ids, l.ProductID)
	}
	return ids
}

// qtyToleranceFrom keeps the quantity rules of brand, supplier and SKU scope.
func qtyToleranceFrom(rules []store.ToleranceRule) *qtyTolerance {
	t := &qtyTolerance{sku: map[int64]matching.Policy{}}
	for _, r := range rules {
		if r.Kind != ToleranceKindQuantity {
			continue
		}
		band := matching.Band{Upper: matching.Bound{PercentBP: r.PctUpperBP, Absolute: r.AbsUpper},
			Lower: matching.Bound{PercentBP: r.PctLowerBP, Absolute: r.AbsLower}}
		switch {
		case r.SupplierID != nil && r.ProductID == nil:
			t.supplier.Quantity = band
		case r.SupplierID == nil && r.ProductID != nil:
			t.sku[*r.ProductID] = matching.Policy{Quantity: band}
		case r.SupplierID == nil && r.ProductID == nil:
			t.brand.Quantity = band
		}
	}
	return t
}

func (t *qtyTolerance) bound(productID int64) matching.ResolvedBound {
	var skuP *matching.Policy
	if p, ok := t.sku[productID]; ok {
		skuP = &p
	}
	return matching.Resolve(&t.supplier, skuP, &t.brand).Quantity.Upper
}

// allowance is how many units above ordered the line may take.
func (t *qtyTolerance) allowance(l store.POLine) int64 {
	return t.bound(l.ProductID).Allowance(l.Quantity)
}

// describe renders the line's tolerance for messages: "0%", "2%",
// "5 units", "2% or 5 units, whichever is less".
func (t *qtyTolerance) describe(l store.POLine) string {
	b := t.bound(l.ProductID)
	pct := func() string { return decimal.New(b.PercentBP.Value, -2).String() + "%" }
	units := func() string { return fmt.Sprintf("%d units", b.Absolute.Value) }
	switch {
	case b.PercentBP.Set && b.Absolute.Set:
		return pct() + " or " + units() + ", whichever is less"
	case b.PercentBP.Set:
		return pct()
	case b.Absolute.Set:
		return units()
	}
	return "0%"
}

// overDeliveryError is the one message for shipping or receiving too much:
// "line 2 (SKU-2): 20 received would exceed the 100 ordered (tolerance 0%)",
// followed by what already counts against the line.
func overDeliveryError(code fault.Code, field, label, verb string, qty int64, l store.POLine, tol *qtyTolerance, already ...string) error {
	msg := fmt.Sprintf("%s: %d %s would exceed the %d ordered (tolerance %s)", label, qty, verb, l.Quantity, tol.describe(l))
	if len(already) > 0 {
		msg += "; " + strings.Join(already, ", ")
	}
	return &fault.Error{Code: code, Field: field, Message: msg}
}

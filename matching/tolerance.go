package matching

import (
	"errors"
	"fmt"
	"strings"
)

// Level says where a tolerance setting came from, so a decision can say
// "2.00% (supplier)" and AP knows which screen to change.
type Level uint8

// Levels in increasing precedence. Resolution is supplier › SKU › brand: a
// supplier-level setting beats a SKU-level one, which beats the brand default.
const (
	LevelNone     Level = iota // set nowhere: the side is exact for this form
	LevelBrand                 // the brand-wide default
	LevelSKU                   // a per-SKU override
	LevelSupplier              // a per-supplier override
)

func (l Level) String() string {
	switch l {
	case LevelBrand:
		return "brand"
	case LevelSKU:
		return "sku"
	case LevelSupplier:
		return "supplier"
	default:
		return "none"
	}
}

// MarshalText makes levels readable in stored decision JSON.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (l *Level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "brand":
		*l = LevelBrand
	case "sku":
		*l = LevelSKU
	case "supplier":
		*l = LevelSupplier
	case "none", "":
		*l = LevelNone
	default:
		return fmt.Errorf("unknown tolerance level %q", b)
	}
	return nil
}

// Bound is one side (upper or lower) of a tolerance as stored at one level.
// nil inherits from the next level down; a pointer to 0 means exact at this
// level, overriding anything below. PercentBP is in basis points (250 =
// 2.50%); Absolute is in the unit of what is compared: line-unit quantity,
// price micro-units, or amount minor units.
type Bound struct {
	PercentBP *int64 `json:"percent_bp,omitempty"`
	Absolute  *int64 `json:"absolute,omitempty"`
}

// Band is a tolerance for one figure: how far above (Upper) and below
// (Lower) the expected value the invoice may be.
type Band struct {
	Upper Bound `json:"upper"`
	Lower Bound `json:"lower"`
}

// Policy is the tolerance configuration at one level (brand, SKU or supplier).
//
// Which figure each band governs, and against what:
//   - Quantity: invoiced quantity vs received-and-not-yet-invoiced (upper
//     side; invoicing less than received is a legitimate partial invoice and
//     is never an exception, so the lower side is accepted but not used);
//     also vs ordered-and-not-yet-invoiced when goods are still expected.
//   - UnitPrice: invoice unit price vs PO unit price (micro-units).
//   - Amount: invoice line amount vs invoiced qty × PO price (minor units),
//     plus one minor unit for rounding. It caps the money a price tolerance
//     can let through on a big line; a side set at no level has no cap
//     (unlike the other bands, where set-nowhere means exact).
//   - Charges: invoice charges (freight, handling …) vs those agreed on the
//     PO, upper side only (charging less than agreed harms nobody).
type Policy struct {
	Quantity  Band `json:"quantity"`
	UnitPrice Band `json:"unit_price"`
	Amount    Band `json:"amount"`
	Charges   Band `json:"charges"`
	// NearDuplicateDays is how many days apart two invoices of the same
	// supplier, currency and total may be dated and still be flagged as a
	// possible duplicate. nil inherits; set nowhere means DefaultNearDuplicateDays.
	NearDuplicateDays *int64 `json:"near_duplicate_days,omitempty"`
}

// DefaultNearDuplicateDays applies when no level sets NearDuplicateDays.
const DefaultNearDuplicateDays = 7

// Int returns a pointer to v: shorthand for building policies in code and tests.
func Int(v int64) *int64 { return &v }

// Tolerances holds every level the resolver needs for one supplier.
type Tolerances struct {
	Brand    Policy            `json:"brand"`
	Supplier Policy            `json:"supplier"`
	SKU      map[string]Policy `json:"sku,omitempty"` // keyed by the PO line's SKU
}

// Setting is one resolved value with its provenance.
type Setting struct {
	Value int64 `json:"value"`
	Set   bool  `json:"set"`
	From  Level `json:"from"`
}

// ResolvedBound is a Bound after resolution.
type ResolvedBound struct {
	PercentBP Setting `json:"percent_bp"`
	Absolute  Setting `json:"absolute"`
}

// ResolvedBand is a Band after resolution.
type ResolvedBand struct {
	Upper ResolvedBound `json:"upper"`
	Lower ResolvedBound `json:"lower"`
}

// ResolvedPolicy is the tolerance that applies to one line (or the header).
type ResolvedPolicy struct {
	Quantity          ResolvedBand `json:"quantity"`
	UnitPrice         ResolvedBand `json:"unit_price"`
	Amount            ResolvedBand `json:"amount"`
	Charges           ResolvedBand `json:"charges"`
	NearDuplicateDays Setting      `json:"near_duplicate_days"`
}

// Resolve merges the three levels field by field: the first non-nil value in
// the order supplier, SKU, brand wins. Any argument may be nil. Negative
// values count as 0 (exact): a negative tolerance has no sensible meaning and
// Policy.Validate reports it.
func Resolve(supplier, sku, brand *Policy) ResolvedPolicy {
	var none Policy
	if supplier == nil {
		supplier = &none
	}
	if sku == nil {
		sku = &none
	}
	if brand == nil {
		brand = &none
	}
	out := ResolvedPolicy{
		Quantity:          resolveBand(&supplier.Quantity, &sku.Quantity, &brand.Quantity),
		UnitPrice:         resolveBand(&supplier.UnitPrice, &sku.UnitPrice, &brand.UnitPrice),
		Amount:            resolveBand(&supplier.Amount, &sku.Amount, &brand.Amount),
		Charges:           resolveBand(&supplier.Charges, &sku.Charges, &brand.Charges),
		NearDuplicateDays: pick(supplier.NearDuplicateDays, sku.NearDuplicateDays, brand.NearDuplicateDays),
	}
	if !out.NearDuplicateDays.Set {
		out.NearDuplicateDays.Value = DefaultNearDuplicateDays
	}
	return out
}

// resolveBand and pick are written out rather than driven by accessor
// closures: Resolve runs per line when SKU overrides exist, on the hot path.
func resolveBand(supplier, sku, brand *Band) ResolvedBand {
	return ResolvedBand{
		Upper: ResolvedBound{
			PercentBP: pick(supplier.Upper.PercentBP, sku.Upper.PercentBP, brand.Upper.PercentBP),
			Absolute:  pick(supplier.Upper.Absolute, sku.Upper.Absolute, brand.Upper.Absolute),
		},
		Lower: ResolvedBound{
			PercentBP: pick(supplier.Lower.PercentBP, sku.Lower.PercentBP, brand.Lower.PercentBP),
			Absolute:  pick(supplier.Lower.Absolute, sku.Lower.Absolute, brand.Lower.Absolute),
		},
	}
}

func pick(supplier, sku, brand *int64) Setting {
	switch {
	case supplier != nil:
		return Setting{Value: max(*supplier, 0), Set: true, From: LevelSupplier}
	case sku != nil:
		return Setting{Value: max(*sku, 0), Set: true, From: LevelSKU}
	case brand != nil:
		return Setting{Value: max(*brand, 0), Set: true, From: LevelBrand}
	default:
		return Setting{}
	}
}

// For resolves the policy for a PO line with the given SKU ("" for header
// checks, which skips the SKU level).
func (t *Tolerances) For(sku string) ResolvedPolicy {
	if sku != "" && len(t.SKU) > 0 {
		if p, ok := t.SKU[sku]; ok {
			return Resolve(&t.Supplier, &p, &t.Brand)
		}
	}
	return Resolve(&t.Supplier, nil, &t.Brand)
}

// Allowance is the absolute difference this bound allows around expected.
// With both forms set the smaller allowance wins ("2% or 5.00, whichever is
// less", the usual AP rule: a percentage alone is too generous on big lines,
// an absolute alone too generous on small ones). With one form set only that
// form applies. With neither set the side is exact.
func (b ResolvedBound) Allowance(expected int64) int64 {
	switch {
	case b.PercentBP.Set && b.Absolute.Set:
		return min(percentOf(expected, b.PercentBP.Value), b.Absolute.Value)
	case b.PercentBP.Set:
		return percentOf(expected, b.PercentBP.Value)
	case b.Absolute.Set:
		return b.Absolute.Value
	default:
		return 0
	}
}

// describe renders the bound for messages: "2.00% (supplier) or 0.50 (brand),
// whichever is less", "exact, none set". scale is the decimals of the
// absolute form.
func (b ResolvedBound) describe(scale int, unitPrice bool) string {
	abs := func() string {
		if unitPrice {
			return FormatUnitPrice(b.Absolute.Value)
		}
		return FormatScaled(b.Absolute.Value, scale)
	}
	switch {
	case b.PercentBP.Set && b.Absolute.Set:
		return FormatPercent(b.PercentBP.Value) + "% (" + b.PercentBP.From.String() + ") or " +
			abs() + " (" + b.Absolute.From.String() + "), whichever is less"
	case b.PercentBP.Set:
		if b.PercentBP.Value == 0 {
			return "exact, set at " + b.PercentBP.From.String() + " level"
		}
		return FormatPercent(b.PercentBP.Value) + "% (" + b.PercentBP.From.String() + ")"
	case b.Absolute.Set:
		if b.Absolute.Value == 0 {
			return "exact, set at " + b.Absolute.From.String() + " level"
		}
		return abs() + " (" + b.Absolute.From.String() + ")"
	default:
		return "exact, none set"
	}
}

// ErrNegativeTolerance is returned by Policy.Validate.
var ErrNegativeTolerance = errors.New("tolerance must not be negative")

// Validate reports negative settings, which Resolve would treat as exact.
func (p *Policy) Validate() error {
	var bad []string
	check := func(name string, v *int64) {
		if v != nil && *v < 0 {
			bad = append(bad, name)
		}
	}
	for _, b := range []struct {
		name string
		band *Band
	}{{"quantity", &p.Quantity}, {"unit_price", &p.UnitPrice}, {"amount", &p.Amount}, {"charges", &p.Charges}} {
		check(b.name+".upper.percent_bp", b.band.Upper.PercentBP)
		check(b.name+".upper.absolute", b.band.Upper.Absolute)
		check(b.name+".lower.percent_bp", b.band.Lower.PercentBP)
		check(b.name+".lower.absolute", b.band.Lower.Absolute)
	}
	check("near_duplicate_days", p.NearDuplicateDays)
	if len(bad) > 0 {
		return fmt.Errorf("%s: %w", strings.Join(bad, ", "), ErrNegativeTolerance)
	}
	return nil
}

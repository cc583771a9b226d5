package procure

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// The reorder arithmetic, kept free of the database so it can be tested on
// the brief's numbers directly. Quantities are whole stock units; demand and
// its spread are units per day at scale 6 (micro-units), computed with
// math/big so no step overflows or rounds through a float. Every figure that
// becomes stock to buy (safety stock, reorder point, target, order
// quantity) is rounded UP: buying one unit too many is cheaper than running out.

// demandScale is the scale of demand figures: 1 unit/day = 1_000_000.
const demandScale = 1_000_000

// DemandStats are the sums over a window of daily sales of one SKU, all
// channels together; days without sales count as zero.
type DemandStats struct {
	WindowDays int
	// Total is the sum of daily quantities, SumSquares the sum of their squares.
	Total      int64
	SumSquares int64
}

// DailyMicros is the mean daily demand d at scale 6, rounded half-up.
func (s DemandStats) DailyMicros() int64 {
	if s.WindowDays <= 0 || s.Total <= 0 {
		return 0
	}
	num := new(big.Int).Mul(big.NewInt(s.Total), big.NewInt(demandScale))
	return divRoundHalfUp(num, big.NewInt(int64(s.WindowDays))).Int64()
}

// SigmaMicros is the population standard deviation σd of daily demand at
// scale 6: sqrt(n·Σx² − (Σx)²)/n. The window is all the days there are, not
// a sample of them, hence n rather than n−1. The square root is an integer
// square root of the value scaled by 10^12, rounded up.
func (s DemandStats) SigmaMicros() int64 {
	n := int64(s.WindowDays)
	if n <= 0 {
		return 0
	}
	v := new(big.Int).Mul(big.NewInt(n), big.NewInt(s.SumSquares))
	v.Sub(v, new(big.Int).Mul(big.NewInt(s.Total), big.NewInt(s.Total)))
	if v.Sign() <= 0 {
		return 0
	}
	v.Mul(v, big.NewInt(demandScale*demandScale))
	root := ceilSqrt(v)
	return ceilDiv(root, big.NewInt(n)).Int64()
}

// zTable maps a service level (per mille) to the normal quantile z (per
// mille). 95% uses 1.65, the figure the design brief works with.
var zTable = []struct{ permille, zMilli int64 }{
	{500, 0}, {800, 842}, {850, 1036}, {900, 1282}, {950, 1650},
	{975, 1960}, {980, 2054}, {990, 2326}, {995, 2576}, {999, 3090},
}

// ZMilli returns z for a service level. A level between table rows takes
// the next higher row (more safety, never less); above 99.9% takes 3.09.
func ZMilli(servicePermille int) int64 {
	for _, r := range zTable {
		if int64(servicePermille) <= r.permille {
			return r.zMilli
		}
	}
	return zTable[len(zTable)-1].zMilli
}

// SafetyStockByService is SS = z·σd·√L in whole units, rounded up. √L is
// taken together with σ (sqrt(σ²·L)) so it stays exact for any whole L.
func SafetyStockByService(zMilli, sigmaMicros int64, leadDays int) int64 {
	if zMilli <= 0 || sigmaMicros <= 0 || leadDays <= 0 {
		return 0
	}
	sq := new(big.Int).Mul(big.NewInt(sigmaMicros), big.NewInt(sigmaMicros))
	sq.Mul(sq, big.NewInt(int64(leadDays)))
	root := ceilSqrt(sq) // σ·√L at scale 6
	root.Mul(root, big.NewInt(zMilli))
	return ceilDiv(root, big.NewInt(1000*demandScale)).Int64()
}

// SafetyStockByDays is d × days in whole units, rounded up; days is at
// scale 6 so "2.5 days" is allowed.
func SafetyStockByDays(demandMicros, daysMicros int64) int64 {
	if demandMicros <= 0 || daysMicros <= 0 {
		return 0
	}
	v := new(big.Int).Mul(big.NewInt(demandMicros), big.NewInt(daysMicros))
	return ceilDiv(v, big.NewInt(demandScale*demandScale)).Int64()
}

// unitsOver is d × days in whole units, rounded up.
func unitsOver(demandMicros int64, days int) int64 {
	if demandMicros <= 0 || days <= 0 {
		return 0
	}
	v := new(big.Int).Mul(big.NewInt(demandMicros), big.NewInt(int64(days)))
	return ceilDiv(v, big.NewInt(demandScale)).Int64()
}

// OrderTerms are what the supplier's catalog item says about how to buy.
// MOQ and Multiple are in purchase units.
type OrderTerms struct {
	MOQ                  int64
	Multiple             int64
	UnitsPerPurchaseUnit int64
	ListPriceMicros      int64
	Breaks               []store.PriceBreak
	PurchaseUnit         string
}

// termsOf reads the terms from a catalog item.
func termsOf(c store.CatalogItem) OrderTerms {
	return OrderTerms{MOQ: c.MOQ, Multiple: c.OrderMultiple, UnitsPerPurchaseUnit: c.UnitsPerPurchaseUnit,
		ListPriceMicros: c.UnitPriceMicros, Breaks: c.PriceBreaks, PurchaseUnit: c.PurchaseUnit}
}

// PlanInput is everything one reorder decision needs.
type PlanInput struct {
	DemandMicros int64
	SigmaMicros  int64
	LeadTimeDays int
	ReviewDays   int
	SafetyStock  int64
	OnHand       int64
	OnOrder      int64
	Allocated    int64
	Terms        OrderTerms
}

// Plan is the decision and the numbers behind it.
type Plan struct {
	PlanInput
	Position     int64
	ReorderPoint int64
	Target       int64
	Fire         bool
	// Need is target − position in stock units (0 when not fired).
	Need int64
	// Quantity is what to order in purchase units; StockUnits the same in stock units.
	Quantity        int64
	StockUnits      int64
	UnitPriceMicros int64
	// Steps say, in order, why the quantity is what it is.
	Steps []string
}

// PlanReorder applies DESIGN.md section 5: position = on hand + on order −
// allocated; ROP = d·L + SS; fire when position ≤ ROP; target =
// d·(L + review) + SS; order target − position, converted to purchase units
// (rounded up), raised to the MOQ, rounded up to the order multiple, and
// priced at the price break that quantity reaches.
func PlanReorder(in PlanInput) Plan {
	p := Plan{PlanInput: in}
	p.Position = in.OnHand + in.OnOrder - in.Allocated
	p.ReorderPoint = unitsOver(in.DemandMicros, in.LeadTimeDays) + in.SafetyStock
	p.Target = unitsOver(in.DemandMicros, in.LeadTimeDays+in.ReviewDays) + in.SafetyStock
	p.Fire = p.Position <= p.ReorderPoint
	if !p.Fire {
		p.Steps = append(p.Steps, fmt.Sprintf("position %d is above the reorder point %d: nothing to order", p.Position, p.ReorderPoint))
		return p
	}
	p.Need = p.Target - p.Position
	if p.Need <= 0 {
		p.Need = 0
		p.Steps = append(p.Steps, fmt.Sprintf("position %d reaches the target %d (no demand to cover): nothing to order", p.Position, p.Target))
		return p
	}
	t := in.Terms
	upu := max(t.UnitsPerPurchaseUnit, 1)
	mult := max(t.Multiple, 1)
	qty := (p.Need + upu - 1) / upu
	p.Steps = append(p.Steps, fmt.Sprintf("need %d = target %d − position %d", p.Need, p.Target, p.Position))
	if upu > 1 {
		p.Steps = append(p.Steps, fmt.Sprintf("%d units in %s of %d → %d %s (rounded up)", p.Need, unitName(t), upu, qty, unitName(t)))
	}
	if qty < t.MOQ {
		p.Steps = append(p.Steps, fmt.Sprintf("raised from %d to the minimum order quantity %d", qty, t.MOQ))
		qty = t.MOQ
	}
	if r := qty % mult; r != 0 {
		up := qty + mult - r
		p.Steps = append(p.Steps, fmt.Sprintf("rounded up from %d to %d, a multiple of %d", qty, up, mult))
		qty = up
	}
	p.Quantity = qty
	p.StockUnits = qty * upu
	item := store.CatalogItem{UnitPriceMicros: t.ListPriceMicros, PriceBreaks: t.Breaks}
	p.UnitPriceMicros = item.PriceFor(qty)
	if p.UnitPriceMicros != t.ListPriceMicros {
		p.Steps = append(p.Steps, fmt.Sprintf("%d reaches the price break %s (list %s)", qty, matching.FormatUnitPrice(p.UnitPriceMicros), matching.FormatUnitPrice(t.ListPriceMicros)))
	} else {
		p.Steps = append(p.Steps, fmt.Sprintf("priced at the list price %s", matching.FormatUnitPrice(p.UnitPriceMicros)))
	}
	return p
}

// Explain is the one-paragraph account a buyer reads on the proposal.
func (p Plan) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "d=%s/day σ=%s L=%dd SS=%d ROP=%d position=%d (on hand %d + on order %d − allocated %d)",
		formatMicros(p.DemandMicros), formatMicros(p.SigmaMicros), p.LeadTimeDays, p.SafetyStock, p.ReorderPoint,
		p.Position, p.OnHand, p.OnOrder, p.Allocated)
	if p.Fire {
		fmt.Fprintf(&b, " ≤ ROP; target %d = d×(L %d + review %d) + SS", p.Target, p.LeadTimeDays, p.ReviewDays)
	}
	for _, s := range p.Steps {
		b.WriteString("; ")
		b.WriteString(s)
	}
	return b.String()
}

func unitName(t OrderTerms) string {
	if t.PurchaseUnit == "" {
		return "purchase units"
	}
	return t.PurchaseUnit
}

// formatMicros shows a scale-6 figure with two decimals (display only).
func formatMicros(v int64) string {
	r := divRoundHalfUp(big.NewInt(v), big.NewInt(10_000)).Int64()
	sign := ""
	if r < 0 {
		sign, r = "-", -r
	}
	return fmt.Sprintf("%s%d.%02d", sign, r/100, r%100)
}

// ceilSqrt is the smallest integer r with r² ≥ v (v ≥ 0).
func ceilSqrt(v *big.Int) *big.Int {
	r := new(big.Int).Sqrt(v)
	if new(big.Int).Mul(r, r).Cmp(v) < 0 {
		r.Add(r, big.NewInt(1))
	}
	return r
}

// ceilDiv is ⌈a/b⌉ for a ≥ 0, b > 0.
func ceilDiv(a, b *big.Int) *big.Int {
	q, m := new(big.Int).QuoRem(a, b, new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// divRoundHalfUp is a/b rounded half away from zero, b > 0.
func divRoundHalfUp(a, b *big.Int) *big.Int {
	neg := a.Sign() < 0
	x := new(big.Int).Abs(a)
	x.Mul(x, big.NewInt(2))
	x.Add(x, b)
	x.Quo(x, new(big.Int).Mul(b, big.NewInt(2)))
	if neg {
		x.Neg(x)
	}
	return x
}

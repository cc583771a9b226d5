package procure_test

import (
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

const unit = 1_000_000 // one unit/day at the demand scale

// The design brief's example: lead time 14 days at 20 units/day is 280, plus
// safety stock 50 → reorder point 330. At 330 the engine fires, at 331 it
// does not; the order respects the MOQ and the pack multiple.
func TestReorderBriefExample(t *testing.T) {
	terms := procure.OrderTerms{MOQ: 300, Multiple: 24, UnitsPerPurchaseUnit: 1, ListPriceMicros: 2_500_000,
		Breaks: []store.PriceBreak{{MinQty: 300, UnitPriceMicros: 2_250_000}}, PurchaseUnit: "EA"}
	in := procure.PlanInput{DemandMicros: 20 * unit, LeadTimeDays: 14, ReviewDays: 14, SafetyStock: 50, OnHand: 330, Terms: terms}
	p := procure.PlanReorder(in)
	if p.ReorderPoint != 330 || !p.Fire {
		t.Fatalf("ROP %d fire %v, want 330 and firing at position 330", p.ReorderPoint, p.Fire)
	}
	// target = 20 × (14 + 14) + 50 = 610; need 610 − 330 = 280 → MOQ 300 → multiple of 24 → 312.
	if p.Target != 610 || p.Need != 280 || p.Quantity != 312 || p.StockUnits != 312 {
		t.Fatalf("target %d need %d qty %d units %d, want 610, 280, 312, 312", p.Target, p.Need, p.Quantity, p.StockUnits)
	}
	if p.Quantity < terms.MOQ || p.Quantity%terms.Multiple != 0 {
		t.Fatalf("quantity %d breaks MOQ %d or multiple %d", p.Quantity, terms.MOQ, terms.Multiple)
	}
	if p.UnitPriceMicros != 2_250_000 {
		t.Fatalf("price %d, want the 300+ break 2.25", p.UnitPriceMicros)
	}
	for _, want := range []string{"ROP=330", "position=330", "minimum order quantity 300", "multiple of 24", "price break 2.25"} {
		if !strings.Contains(p.Explain(), want) {
			t.Errorf("explanation %q lacks %q", p.Explain(), want)
		}
	}
	in.OnHand = 331
	if p := procure.PlanReorder(in); p.Fire || p.Quantity != 0 {
		t.Fatalf("position 331 fired (qty %d); the trigger is at 330", p.Quantity)
	}
}

func TestPlanReorderTable(t *testing.T) {
	each := procure.OrderTerms{MOQ: 1, Multiple: 1, UnitsPerPurchaseUnit: 1, ListPriceMicros: 1_000_000, PurchaseUnit: "EA"}
	tests := []struct {
		name      string
		in        procure.PlanInput
		fire      bool
		qty       int64
		units     int64
		price     int64
		rop, targ int64
	}{
		{name: "plain: need exactly", in: procure.PlanInput{DemandMicros: 10 * unit, LeadTimeDays: 5, ReviewDays: 5, OnHand: 20, Terms: each},
			fire: true, rop: 50, targ: 100, qty: 80, units: 80, price: 1_000_000},
		{name: "raised to MOQ", in: procure.PlanInput{DemandMicros: 10 * unit, LeadTimeDays: 5, ReviewDays: 5, OnHand: 50,
			Terms: procure.OrderTerms{MOQ: 100, Multiple: 1, UnitsPerPurchaseUnit: 1, ListPriceMicros: 1_000_000}},
			fire: true, rop: 50, targ: 100, qty: 100, units: 100, price: 1_000_000},
		{name: "rounded up to multiple", in: procure.PlanInput{DemandMicros: 10 * unit, LeadTimeDays: 5, ReviewDays: 5, OnHand: 33,
			Terms: procure.OrderTerms{MOQ: 1, Multiple: 12, UnitsPerPurchaseUnit: 1, ListPriceMicros: 1_000_000}},
			fire: true, rop: 50, targ: 100, qty: 72, units: 72, price: 1_000_000},
		{name: "MOQ not a multiple: MOQ then multiple", in: procure.PlanInput{DemandMicros: 1 * unit, LeadTimeDays: 5, ReviewDays: 0, OnHand: 0,
			Terms: procure.OrderTerms{MOQ: 25, Multiple: 10, UnitsPerPurchaseUnit: 1, ListPriceMicros: 1_000_000}},
			fire: true, rop: 5, targ: 5, qty: 30, units: 30, price: 1_000_000},
		{name: "cases: units to cases rounded up", in: procure.PlanInput{DemandMicros: 10 * unit, LeadTimeDays: 5, ReviewDays: 5, OnHand: 20,
			Terms: procure.OrderTerms{MOQ: 1, Multiple: 1, UnitsPerPurchaseUnit: 12, ListPriceMicros: 9_000_000, PurchaseUnit: "CS"}},
			fire: true, rop: 50, targ: 100, qty: 7, units: 84, price: 9_000_000},
		{name: "price break reached", in: procure.PlanInput{DemandMicros: 40 * unit, LeadTimeDays: 10, ReviewDays: 10, OnHand: 0,
			Terms: procure.OrderTerms{MOQ: 1, Multiple: 100, UnitsPerPurchaseUnit: 1, ListPriceMicros: 1_000_000,
				Breaks: []store.PriceBreak{{MinQty: 300, UnitPriceMicros: 950_000}, {MinQty: 1000, UnitPriceMicros: 900_000}}}},
			fire: true, rop: 400, targ: 800, qty: 800, units: 800, price: 950_000},
		{name: "highest break reached", in: procure.PlanInput{DemandMicros: 60 * unit, LeadTimeDays: 10, ReviewDays: 10, OnHand: 0,
			Terms: procure.OrderTerms{MOQ: 1, Multiple: 1, UnitsPerPurchaseUnit: 1, ListPriceMicros: 1_000_000,
				Breaks: []store.PriceBreak{{MinQty: 300, UnitPriceMicros: 950_000}, {MinQty: 1000, UnitPriceMicros: 900_000}}}},
			fire: true, rop: 600, targ: 1200, qty: 1200, units: 1200, price: 900_000},
		{name: "zero demand, stock on hand: nothing", in: procure.PlanInput{LeadTimeDays: 14, ReviewDays: 14, OnHand: 5, Terms: each},
			fire: false, rop: 0, targ: 0},
		{name: "zero demand, zero stock: fires but needs nothing", in: procure.PlanInput{LeadTimeDays: 14, ReviewDays: 14, Terms: each},
			fire: true, rop: 0, targ: 0},
		{name: "stock on order lifts position above ROP", in: procure.PlanInput{DemandMicros: 10 * unit, LeadTimeDays: 5, ReviewDays: 5, OnHand: 20, OnOrder: 80, Terms: each},
			fire: false, rop: 50, targ: 100},
		{name: "allocated lowers position", in: procure.PlanInput{DemandMicros: 10 * unit, LeadTimeDays: 5, ReviewDays: 5, OnHand: 60, Allocated: 30, Terms: each},
			fire: true, rop: 50, targ: 100, qty: 70, units: 70, price: 1_000_000},
		{name: "fractional demand rounds up", in: procure.PlanInput{DemandMicros: 1_500_000, LeadTimeDays: 3, ReviewDays: 0, SafetyStock: 1, Terms: each},
			fire: true, rop: 6, targ: 6, qty: 6, units: 6, price: 1_000_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := procure.PlanReorder(tt.in)
			if p.Fire != tt.fire || p.ReorderPoint != tt.rop || p.Target != tt.targ {
				t.Fatalf("fire %v rop %d target %d, want %v %d %d (%s)", p.Fire, p.ReorderPoint, p.Target, tt.fire, tt.rop, tt.targ, p.Explain())
			}
			if p.Quantity != tt.qty || p.StockUnits != tt.units || (tt.qty > 0 && p.UnitPriceMicros != tt.price) {
				t.Fatalf("qty %d units %d price %d, want %d %d %d (%s)", p.Quantity, p.StockUnits, p.UnitPriceMicros, tt.qty, tt.units, tt.price, p.Explain())
			}
			if p.Quantity > 0 {
				if p.Quantity < tt.in.Terms.MOQ || p.Quantity%max(tt.in.Terms.Multiple, 1) != 0 || p.StockUnits < p.Need {
					t.Fatalf("qty %d violates MOQ/multiple or does not cover need %d", p.Quantity, p.Need)
				}
			}
		})
	}
}

func TestDemandStats(t *testing.T) {
	tests := []struct {
		name        string
		daily       []int64
		window      int
		mean, sigma int64
	}{
		{"constant 20", repeat(20, 28), 28, 20 * unit, 0},
		{"alternating 10/30", alternate(10, 30, 28), 28, 20 * unit, 10 * unit},
		{"missing days count as zero", repeat(28, 14), 28, 14 * unit, 14 * unit},
		{"no sales", nil, 28, 0, 0},
		// mean 1/3; population σ = √2/3 = 0.4714045… → 0.471405 (rounded up at scale 6)
		{"one in three days", []int64{1, 0, 0}, 3, 333_333, 471_405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s procure.DemandStats
			s.WindowDays = tt.window
			for _, q := range tt.daily {
				s.Total += q
				s.SumSquares += q * q
			}
			if got := s.DailyMicros(); got != tt.mean {
				t.Errorf("d = %d, want %d", got, tt.mean)
			}
			if got := s.SigmaMicros(); got != tt.sigma {
				t.Errorf("σ = %d, want %d", got, tt.sigma)
			}
		})
	}
}

func TestSafetyStock(t *testing.T) {
	if z := procure.ZMilli(950); z != 1650 {
		t.Fatalf("z(95%%) = %d, want 1650", z)
	}
	if z := procure.ZMilli(960); z != 1960 {
		t.Fatalf("z(96%%) = %d, want the next row up 1960", z)
	}
	if z := procure.ZMilli(1000); z != 3090 {
		t.Fatalf("z(100%%) = %d, want the top row 3090", z)
	}
	// 1.65 × 10 × √16 = 66 exactly; × √14 = 61.73.. → 62 (rounded up).
	if ss := procure.SafetyStockByService(1650, 10*unit, 16); ss != 66 {
		t.Fatalf("SS(σ10, L16) = %d, want 66", ss)
	}
	if ss := procure.SafetyStockByService(1650, 10*unit, 14); ss != 62 {
		t.Fatalf("SS(σ10, L14) = %d, want 62", ss)
	}
	if ss := procure.SafetyStockByService(1650, 0, 14); ss != 0 {
		t.Fatalf("SS with no spread = %d, want 0", ss)
	}
	if ss := procure.SafetyStockByDays(20*unit, 2_500_000); ss != 50 {
		t.Fatalf("SS(20/day × 2.5 days) = %d, want 50", ss)
	}
}

func repeat(q int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = q
	}
	return out
}

func alternate(a, b int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = a
		if i%2 == 1 {
			out[i] = b
		}
	}
	return out
}

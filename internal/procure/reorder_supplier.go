package procure

import (
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// supplierChoice is which catalog item a SKU is bought from, and why.
type supplierChoice struct {
	index int // into the candidates; -1 when none qualifies
	plan  Plan
	why   string
}

// chooseSupplier picks the catalog item to buy a SKU from when several
// suppliers sell it:
//
//  1. Only items valid today (valid_from/valid_to) of active suppliers count.
//  2. An item qualifies "within lead time" when its lead time is no longer
//     than the days the current position lasts at today's demand (position ÷
//     d): a cheaper supplier that would deliver after the shelf is empty is
//     no bargain. When no item is that fast, the fastest items qualify.
//  3. Among those, the lowest price per stock unit at the quantity each
//     would order (its own MOQ, multiple and price breaks) wins; then the
//     shorter lead time; then the lower item id. Prices are compared as
//     numbers, without currency conversion.
//
// plan computes an item's plan; the returned why names the winner and what
// every other item lost on.
func chooseSupplier(cands []store.CatalogItem, suppliers map[int64]store.Supplier, now time.Time, demandMicros, position int64, plan func(store.CatalogItem) Plan) supplierChoice {
	type cand struct {
		i    int
		plan Plan
	}
	var valid []cand
	var notes []string
	code := func(it store.CatalogItem) string { return suppliers[it.SupplierID].Code }
	for i, it := range cands {
		if !it.ValidOn(now) {
			notes = append(notes, fmt.Sprintf("%s excluded: catalog price not valid on %s", code(it), now.Format("2006-01-02")))
			continue
		}
		valid = append(valid, cand{i: i, plan: plan(it)})
	}
	if len(valid) == 0 {
		return supplierChoice{index: -1, why: "no catalog item is valid today (" + strings.Join(notes, "; ") + ")"}
	}
	if len(valid) == 1 && len(notes) == 0 {
		return supplierChoice{index: valid[0].i, plan: valid[0].plan}
	}
	// Days of cover at scale 6; with no demand every lead time is within it.
	fast := valid[:0:0]
	coverKnown := demandMicros > 0
	var cover int64
	if coverKnown {
		cover = max(position, 0) * demandScale / demandMicros
		for _, c := range valid {
			if int64(cands[c.i].LeadTimeDays) <= cover {
				fast = append(fast, c)
			}
		}
	}
	rule := fmt.Sprintf("its %%d-day lead time is within the %d days the position lasts", cover)
	if !coverKnown {
		fast = valid
		rule = "no demand, so lead time does not decide (%d days)"
	} else if len(fast) == 0 {
		minLead := cands[valid[0].i].LeadTimeDays
		for _, c := range valid {
			minLead = min(minLead, cands[c.i].LeadTimeDays)
		}
		for _, c := range valid {
			if cands[c.i].LeadTimeDays == minLead {
				fast = append(fast, c)
			}
		}
		rule = fmt.Sprintf("no supplier delivers within the %d days the position lasts, so the fastest (%%d days) qualify", cover)
	}
	best := fast[0]
	for _, c := range fast[1:] {
		if cheaper(cands[c.i], c.plan, cands[best.i], best.plan) {
			best = c
		}
	}
	win := cands[best.i]
	why := []string{fmt.Sprintf("%s chosen: cheapest valid item at %s per %s; "+rule, code(win),
		matching.FormatUnitPrice(priceAt(win, best.plan)), unitWord(win), win.LeadTimeDays)}
	for _, c := range valid {
		if c.i == best.i {
			continue
		}
		it := cands[c.i]
		inFast := false
		for _, f := range fast {
			inFast = inFast || f.i == c.i
		}
		if !inFast {
			why = append(why, fmt.Sprintf("%s not chosen: %d-day lead time is longer than the %d days the position lasts (price %s)", code(it), it.LeadTimeDays, cover, matching.FormatUnitPrice(priceAt(it, c.plan))))
		} else {
			why = append(why, fmt.Sprintf("%s not chosen: %s per %s, %d-day lead time", code(it), matching.FormatUnitPrice(priceAt(it, c.plan)), unitWord(it), it.LeadTimeDays))
		}
	}
	why = append(why, notes...)
	return supplierChoice{index: best.i, plan: best.plan, why: strings.Join(why, "; ")}
}

// priceAt is the unit price an item would charge for its planned quantity
// (its list price when its plan orders nothing).
func priceAt(it store.CatalogItem, p Plan) int64 {
	if p.Quantity > 0 {
		return p.UnitPriceMicros
	}
	return it.PriceFor(max(it.MOQ, 1))
}

func unitWord(it store.CatalogItem) string {
	if it.UnitsPerPurchaseUnit > 1 {
		return fmt.Sprintf("%s of %d", it.PurchaseUnit, it.UnitsPerPurchaseUnit)
	}
	if it.PurchaseUnit == "" {
		return "unit"
	}
	return it.PurchaseUnit
}

// cheaper reports whether a costs less per stock unit than b (exact cross
// multiplication), then the shorter lead time, then the lower id.
func cheaper(a store.CatalogItem, ap Plan, b store.CatalogItem, bp Plan) bool {
	l := new(big.Int).Mul(big.NewInt(priceAt(a, ap)), big.NewInt(max(b.UnitsPerPurchaseUnit, 1)))
	r := new(big.Int).Mul(big.NewInt(priceAt(b, bp)), big.NewInt(max(a.UnitsPerPurchaseUnit, 1)))
	if c := l.Cmp(r); c != 0 {
		return c < 0
	}
	if a.LeadTimeDays != b.LeadTimeDays {
		return a.LeadTimeDays < b.LeadTimeDays
	}
	return a.ID < b.ID
}

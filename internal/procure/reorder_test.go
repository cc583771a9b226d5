package procure_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// The brief's example on a real database: 20 units/day for 28 days (σ = 0),
// safety stock 2.5 days = 50, lead time 14 → ROP 330. The SKU at 330 is
// ordered (MOQ 300, multiple 24, price break at 300), the one at 331 is not,
// and a second run proposes nothing because the draft covers the SKU.
func TestReorderRunBriefExample(t *testing.T) {
	w := newWorld(t)
	w.setting(store.SettingSafetyStockDays, "2.5")
	for _, sku := range []string{"AT-330", "AT-331"} {
		w.item("ACME", sku, 2_500_000, 14, 300, 24, 1, store.PriceBreak{MinQty: 300, UnitPriceMicros: 2_250_000})
		w.sales(sku, constant(20, 28))
	}
	w.stock("AT-330", 330, 0)
	w.stock("AT-331", 331, 0)

	dry, err := w.svc.RunReorder(w.ctx, w.admin, procure.ReorderOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Proposals) != 1 || len(dry.Orders) != 0 {
		t.Fatalf("dry run: %d proposals, %d orders; want 1 and 0: %+v", len(dry.Proposals), len(dry.Orders), dry.Proposals)
	}
	if n := countPOs(t, w); n != 0 {
		t.Fatalf("a dry run created %d POs", n)
	}
	res, err := w.svc.RunReorder(w.ctx, w.admin, procure.ReorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Proposals) != 1 || len(res.Orders) != 1 {
		t.Fatalf("%d proposals, %d orders; want 1 each", len(res.Proposals), len(res.Orders))
	}
	p := res.Proposals[0]
	if p.SKU != "AT-330" || p.ReorderPoint != 330 || p.SafetyStock != 50 || p.Position != 330 || p.Target != 610 ||
		p.Quantity != 312 || p.UnitPrice != "2.25" || p.DemandPerDay != "20.00" || p.Sigma != "0.00" || p.LeadTimeDays != 14 {
		t.Fatalf("proposal %+v", p)
	}
	po, err := w.svc.GetPO(w.ctx, w.admin, res.Orders[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != store.POStatusDraft || po.Source != "reorder" || len(po.Lines) != 1 || po.Lines[0].Quantity != 312 ||
		po.Lines[0].UnitPriceMicros != 2_250_000 || po.TotalMinor != 70200 {
		t.Fatalf("draft PO %+v lines %+v", po, po.Lines)
	}
	// Stored proposals read back with their inputs.
	run, stored, total, err := w.svc.ReorderProposals(w.ctx, w.admin, 0, store.Page{})
	if err != nil || run.ID != res.RunID || total != 1 || len(stored) != 1 || stored[0].POID == nil || *stored[0].POID != po.ID ||
		stored[0].Explanation != p.Explanation || stored[0].ReorderPoint != 330 {
		t.Fatalf("stored run %+v proposals %+v total %d err %v", run, stored, total, err)
	}
	again, err := w.svc.RunReorder(w.ctx, w.admin, procure.ReorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Proposals) != 0 || len(again.Orders) != 0 {
		t.Fatalf("second run proposed %+v again", again.Proposals)
	}
	if !hasSkip(again, "AT-330", "already on "+po.Number+" (draft)") {
		t.Fatalf("second run skips %+v; want AT-330 already on %s", again.Skipped, po.Number)
	}
}

func TestReorderRunTable(t *testing.T) {
	yesterday := reorderNow.AddDate(0, 0, -1)
	tests := []struct {
		name  string
		setup func(w *world)
		// want is the proposal for SKU "X" (supplier, qty, price) or none.
		none          bool
		supplier      string
		qty           int64
		price         string
		explain, skip string
	}{
		// 10/day, L 7, review 14, σ 0 → ROP 70, target 210; stock 50 → need 160.
		{name: "MOQ raises the quantity", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 500, 1, 1)
		}, supplier: "ACME", qty: 500, price: "1.00", explain: "minimum order quantity 500"},
		{name: "pack multiple rounds up", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 1, 48, 1)
		}, supplier: "ACME", qty: 192, price: "1.00", explain: "multiple of 48"},
		{name: "price break reached", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 1, 1, 1, store.PriceBreak{MinQty: 150, UnitPriceMicros: 900_000}, store.PriceBreak{MinQty: 1000, UnitPriceMicros: 800_000})
		}, supplier: "ACME", qty: 160, price: "0.90", explain: "price break 0.90"},
		{name: "cases of 12", setup: func(w *world) {
			w.item("ACME", "X", 12_000_000, 7, 1, 1, 12)
		}, supplier: "ACME", qty: 14, price: "12.00", explain: "160 units in CS of 12 → 14 CS"},
		{name: "zero demand proposes nothing", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 1, 1, 1)
		}, none: true},
		{name: "stock already on a sent PO is not ordered twice", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 1, 1, 1)
			w.po("ACME", "X", 100, store.POStatusSent)
		}, none: true, skip: "already on PO-000001 (sent)"},
		{name: "a draft covers the SKU", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 1, 1, 1)
			w.po("ACME", "X", 5, store.POStatusDraft)
		}, none: true, skip: "already on PO-000001 (draft)"},
		{name: "a cancelled PO does not cover", setup: func(w *world) {
			w.item("ACME", "X", 1_000_000, 7, 1, 1, 1)
			w.po("ACME", "X", 100, store.POStatusCancelled)
		}, supplier: "ACME", qty: 160, price: "1.00"},
		// Stock 50 at 10/day lasts 5 days: SLOW (cheapest, 30 days) is out;
		// of FAST (4 days, 1.00) and MID (5 days, 0.95) MID is cheaper.
		{name: "two suppliers: cheapest within lead time wins", setup: func(w *world) {
			w.item("FAST", "X", 1_000_000, 4, 1, 1, 1)
			w.item("MID", "X", 950_000, 5, 1, 1, 1)
			w.item("SLOW", "X", 500_000, 30, 1, 1, 1)
		}, supplier: "MID", qty: 140, price: "0.95",
			explain: "MID chosen: cheapest valid item at 0.95 per EA; its 5-day lead time is within the 5 days the position lasts; FAST not chosen: 1.00 per EA, 4-day lead time; SLOW not chosen: 30-day lead time is longer than the 5 days the position lasts"},
		{name: "two suppliers: an expired price does not count", setup: func(w *world) {
			w.item("CHEAP", "X", 500_000, 5, 1, 1, 1)
			w.item("ACME", "X", 1_000_000, 5, 1, 1, 1)
			w.save(func(tx *store.Tx) error {
				return tx.DB().Model(&store.CatalogItem{}).Where("supplier_id = ?", w.sup["CHEAP"].ID).Update("valid_to", yesterday).Error
			})
		}, supplier: "ACME", qty: 140, price: "1.00", explain: "CHEAP excluded: catalog price not valid on 2026-03-15"},
		{name: "two suppliers: a price break makes the dearer list price cheaper", setup: func(w *world) {
			w.item("LIST", "X", 900_000, 5, 1, 1, 1)
			w.item("BULK", "X", 1_000_000, 5, 1, 1, 1, store.PriceBreak{MinQty: 100, UnitPriceMicros: 850_000})
		}, supplier: "BULK", qty: 140, price: "0.85", explain: "LIST not chosen: 0.90 per EA"},
		{name: "no supplier fast enough: fastest qualifies", setup: func(w *world) {
			w.stock("X", 0, 0)
			w.item("A", "X", 500_000, 30, 1, 1, 1)
			w.item("B", "X", 700_000, 10, 1, 1, 1)
		}, supplier: "B", qty: 240, price: "0.70", explain: "no supplier delivers within the 0 days the position lasts, so the fastest (10 days) qualify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			if !strings.Contains(tt.name, "zero demand") {
				w.sales("X", constant(10, 28))
			}
			w.stock("X", 50, 0)
			tt.setup(w)
			res, err := w.svc.RunReorder(w.ctx, w.admin, procure.ReorderOptions{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			if tt.none {
				if len(res.Proposals) != 0 {
					t.Fatalf("proposed %+v; want nothing", res.Proposals)
				}
				if tt.skip != "" && !hasSkip(res, "X", tt.skip) {
					t.Fatalf("skips %+v; want %q", res.Skipped, tt.skip)
				}
				return
			}
			if len(res.Proposals) != 1 {
				t.Fatalf("%d proposals (%+v), skips %+v; want 1", len(res.Proposals), res.Proposals, res.Skipped)
			}
			p := res.Proposals[0]
			if p.SupplierCode != tt.supplier || p.Quantity != tt.qty || p.UnitPrice != tt.price {
				t.Fatalf("proposal %s × %d at %s, want %s × %d at %s\n%s", p.SupplierCode, p.Quantity, p.UnitPrice, tt.supplier, tt.qty, tt.price, p.Explanation)
			}
			if !strings.Contains(p.Explanation, tt.explain) {
				t.Fatalf("explanation %q lacks %q", p.Explanation, tt.explain)
			}
			for _, input := range []string{"d=10.00/day", "σ=0.00", "SS=0", "position="} {
				if !strings.Contains(p.Explanation, input) {
					t.Fatalf("explanation %q does not show %q", p.Explanation, input)
				}
			}
		})
	}
}

// Demand over the window counts every channel and treats days without sales
// as zero; sales outside the window are ignored. σ feeds safety stock.
func TestReorderDemandWindowAndSafetyStock(t *testing.T) {
	w := newWorld(t)
	w.item("ACME", "V", 1_000_000, 16, 1, 1, 1)
	// Alternating 10/30 over 28 days: d = 20, σ = 10; a 40 on day 29 is outside.
	w.sales("V", append(alternate(10, 30, 28), 40))
	w.save(func(tx *store.Tx) error {
		// A second channel on a day already counted: that day's total is 10+10.
		_, err := tx.InsertSales([]store.Sale{{ProductID: w.prod["V"].ID, SoldOn: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), Channel: "amazon", Quantity: 10, SourceRef: "a-1"}})
		return err
	})
	w.stock("V", 0, 0)
	res, err := w.svc.RunReorder(w.ctx, w.admin, procure.ReorderOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Proposals) != 1 {
		t.Fatalf("proposals %+v", res.Proposals)
	}
	p := res.Proposals[0]
	// Daily: day1 = 20 (10+10), then 30,10,30,... → Σ = 570, d = 20.357143.
	var s procure.DemandStats
	s.WindowDays = 28
	for i, q := range alternate(10, 30, 28) {
		if i == 0 {
			q += 10
		}
		s.Total += q
		s.SumSquares += q * q
	}
	wantSS := procure.SafetyStockByService(1650, s.SigmaMicros(), 16)
	if p.DemandPerDay != "20.36" || p.SafetyStock != wantSS || wantSS == 0 || p.WindowDays != 28 {
		t.Fatalf("d %s SS %d window %d; want 20.36, %d, 28 (%s)", p.DemandPerDay, p.SafetyStock, p.WindowDays, wantSS, p.Explanation)
	}
	if res.Settings.Z != "1.650" || res.Settings.ServiceLevelPermille != 950 {
		t.Fatalf("settings %+v", res.Settings)
	}
}

func TestReorderRequiresBuyer(t *testing.T) {
	w := newWorld(t)
	_, err := w.svc.RunReorder(w.ctx, store.Actor{Kind: store.ActorUser, ID: 9, Role: store.RoleWarehouse}, procure.ReorderOptions{})
	if err == nil || !strings.Contains(err.Error(), "may not") {
		t.Fatalf("warehouse ran the reorder: %v", err)
	}
}

func countPOs(t *testing.T, w *world) int64 {
	t.Helper()
	var n int64
	if err := w.s.DB(w.ctx).Model(&store.PurchaseOrder{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func hasSkip(res procure.ReorderResult, sku, reason string) bool {
	for _, s := range res.Skipped {
		if s.SKU == sku && strings.Contains(s.Reason, reason) {
			return true
		}
	}
	return false
}

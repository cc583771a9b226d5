package procure_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// withCatalog gives ACME catalog items for every fixture product.
func withCatalog(t *testing.T, f *fixture) {
	t.Helper()
	file := catalogHeader +
		"ACME,SKU-1,A-1,0.333,14,1,1,,\n" +
		"ACME,SKU-2,A-2,10.00,7,12,6,100:9.50,\n" +
		"GLOBEX,SKU-3,G-3,5.555,21,1,1,,\n"
	if _, err := f.svc.ImportCatalog(context.Background(), buyer, strings.NewReader(file), procure.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestCreateDraftPricesFromCatalog(t *testing.T) {
	f := newFixture(t)
	withCatalog(t, f)
	ctx := context.Background()
	po, err := f.svc.CreateDraft(ctx, buyer, procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{
		{SKU: "SKU-1", Quantity: 3},   // 3 × 0.333 = 0.999 → 1.00
		{SKU: "SKU-2", Quantity: 120}, // price break 100 → 9.50 × 120 = 1140.00
	}})
	if err != nil {
		t.Fatal(err)
	}
	if po.Status != store.POStatusDraft || !strings.HasPrefix(po.Number, "PO-") || po.Currency != "USD" {
		t.Fatalf("po = %+v", po)
	}
	if po.Lines[0].AmountMinor != 100 || po.Lines[1].UnitPriceMicros != 9_500_000 || po.Lines[1].AmountMinor != 114000 || po.TotalMinor != 114100 {
		t.Fatalf("amounts: %+v total %d", po.Lines, po.TotalMinor)
	}
	got, err := f.s.PO(ctx, po.ID, 0)
	if err != nil || len(got.Lines) != 2 || got.TotalMinor != 114100 {
		t.Fatalf("reloaded: %+v %v", got, err)
	}
	evs, _ := f.s.AuditFor(ctx, "purchase_order", po.ID, 0, store.Page{})
	if len(evs) != 1 || evs[0].Action != "po.created" {
		t.Fatalf("audit: %+v", evs)
	}
	// Numbers never repeat.
	po2, err := f.svc.CreateDraft(ctx, buyer, procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: "SKU-1", Quantity: 1}}})
	if err != nil || po2.Number == po.Number {
		t.Fatalf("second PO %v / %v", po2.Number, err)
	}
}

func TestCreateDraftRefusesBadLines(t *testing.T) {
	f := newFixture(t)
	withCatalog(t, f)
	cases := []struct {
		in    procure.DraftPO
		field string
	}{
		{procure.DraftPO{SupplierID: f.acme.ID}, "lines"},
		{procure.DraftPO{SupplierID: 9999, Lines: []procure.DraftLine{{SKU: "SKU-1", Quantity: 1}}}, "supplier_id"},
		{procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: "SKU-1", Quantity: -1}}}, "lines[0].quantity"},
		{procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: "SKU-3", Quantity: 1}}}, "lines[0].product_id"},
		{procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: "NOPE", Quantity: 1}}}, "lines[0].sku"},
		{procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: "SKU-1", Quantity: 1}, {SKU: "SKU-1", Quantity: 2}}}, "lines[1].product_id"},
	}
	for _, tc := range cases {
		_, err := f.svc.CreateDraft(context.Background(), buyer, tc.in)
		var fe *fault.Error
		if !asFault(err, &fe) || fe.Code != fault.Invalid || fe.Field != tc.field {
			t.Errorf("%+v: err = %v, want invalid %s", tc.in, err, tc.field)
		}
	}
	pos, total, _ := f.s.POs(context.Background(), store.POFilter{}, store.Page{})
	if total != 0 || len(pos) != 0 {
		t.Fatalf("%d POs created by bad input", total)
	}
}

func TestUpdateDraftCancelAndSupplierScope(t *testing.T) {
	f := newFixture(t)
	withCatalog(t, f)
	ctx := context.Background()
	po, err := f.svc.CreateDraft(ctx, buyer, procure.DraftPO{SupplierID: f.acme.ID, Lines: []procure.DraftLine{{SKU: "SKU-1", Quantity: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	po, err = f.svc.UpdateDraft(ctx, buyer, po.ID, procure.DraftPO{Lines: []procure.DraftLine{{SKU: "SKU-2", Quantity: 12}}, Notes: "rush"})
	if err != nil || len(po.Lines) != 1 || po.TotalMinor != 12000 || po.Notes != "rush" || po.Version != 2 {
		t.Fatalf("updated: %+v %v", po, err)
	}
	globexUser := store.Actor{Kind: store.ActorUser, ID: 77, Role: store.RoleSupplier, SupplierID: f.globex.ID}
	if _, err := f.svc.GetPO(ctx, globexUser, po.ID); fault.CodeOf(err) != fault.NotFound {
		t.Fatalf("other supplier sees PO: %v", err)
	}
	acmeUser := store.Actor{Kind: store.ActorUser, ID: 78, Role: store.RoleSupplier, SupplierID: f.acme.ID}
	if got, err := f.svc.GetPO(ctx, acmeUser, po.ID); err != nil || got.ID != po.ID {
		t.Fatalf("own supplier cannot see PO: %v", err)
	}
	if list, total, err := f.svc.ListPOs(ctx, globexUser, store.POFilter{SupplierID: f.acme.ID}, store.Page{}); err != nil || total != 0 || len(list) != 0 {
		t.Fatalf("supplier filter override leaked %d POs (%v)", total, err)
	}
	if _, err := f.svc.Cancel(ctx, acmeUser, po.ID, "no"); fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("supplier cancelled: %v", err)
	}
	if _, err := f.svc.Cancel(ctx, buyer, po.ID, " "); fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("cancel without reason: %v", err)
	}
	po, err = f.svc.Cancel(ctx, buyer, po.ID, "duplicate order")
	if err != nil || po.Status != store.POStatusCancelled {
		t.Fatalf("cancel: %+v %v", po, err)
	}
	if _, err := f.svc.UpdateDraft(ctx, buyer, po.ID, procure.DraftPO{Lines: []procure.DraftLine{{SKU: "SKU-1", Quantity: 1}}}); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("edit cancelled PO: %v", err)
	}
	if _, err := f.svc.Cancel(ctx, buyer, po.ID, "again"); fault.CodeOf(err) != fault.Conflict {
		t.Fatalf("cancel twice: %v", err)
	}
}

// TestListPOsSummaryMatchesFull checks the one-query summary listing (the
// portal's PO list) against the full listing: same orders, order, totals and
// listed fields, for a supplier, with filters and sorts, and past the end.
func TestListPOsSummaryMatchesFull(t *testing.T) {
	f := newFixture(t)
	withCatalog(t, f)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		sup := f.acme.ID
		if i%3 == 2 {
			sup = f.globex.ID
		}
		sku := "SKU-1"
		if sup == f.globex.ID {
			sku = "SKU-3"
		}
		if _, err := f.svc.CreateDraft(ctx, buyer, procure.DraftPO{SupplierID: sup, Lines: []procure.DraftLine{{SKU: sku, Quantity: int64(i + 1)}}}); err != nil {
			t.Fatal(err)
		}
	}
	acmeUser := store.Actor{Kind: store.ActorUser, ID: 78, Role: store.RoleSupplier, SupplierID: f.acme.ID}
	cases := []struct {
		who  store.Actor
		f    store.POFilter
		page store.Page
	}{
		{acmeUser, store.POFilter{}, store.Page{Size: 2}},
		{acmeUser, store.POFilter{}, store.Page{Size: 2, Number: 3}},
		{acmeUser, store.POFilter{}, store.Page{Size: 2, Number: 9}}, // past the end
		{acmeUser, store.POFilter{Sort: "total"}, store.Page{Size: 3}},
		{acmeUser, store.POFilter{Statuses: []string{store.POStatusDraft}, Search: "po"}, store.Page{}},
		{acmeUser, store.POFilter{Statuses: []string{store.POStatusSent}}, store.Page{}},
		{buyer, store.POFilter{Sort: "oldest"}, store.Page{Size: 4, Number: 2}},
	}
	for i, tc := range cases {
		full, fullTotal, err := f.svc.ListPOs(ctx, tc.who, tc.f, tc.page)
		if err != nil {
			t.Fatal(err)
		}
		sf := tc.f
		sf.Summary = true
		sum, sumTotal, err := f.svc.ListPOs(ctx, tc.who, sf, tc.page)
		if err != nil {
			t.Fatal(err)
		}
		wantTotal := fullTotal
		if int64(tc.page.Limit()*max(tc.page.Number-1, 0)+len(full)) < fullTotal {
			wantTotal = store.MoreRows // rows follow this page: not counted
		}
		if sumTotal != wantTotal || len(sum) != len(full) {
			t.Fatalf("case %d: summary %d rows of %d, full %d rows of %d", i, len(sum), sumTotal, len(full), fullTotal)
		}
		for j := range full {
			a, b := full[j], sum[j]
			if a.ID != b.ID || a.Number != b.Number || a.SupplierID != b.SupplierID || a.Status != b.Status || a.Currency != b.Currency ||
				a.TotalMinor != b.TotalMinor || !a.CreatedAt.Equal(b.CreatedAt) || (a.ExpectedAt == nil) != (b.ExpectedAt == nil) || (a.AckDueAt == nil) != (b.AckDueAt == nil) {
				t.Errorf("case %d row %d: summary %+v, full %+v", i, j, b, a)
			}
			if tc.who.IsSupplier() && b.SupplierID != f.acme.ID {
				t.Errorf("case %d: a supplier's summary lists PO %s of supplier %d", i, b.Number, b.SupplierID)
			}
		}
	}
	if _, total, _ := f.svc.ListPOs(ctx, acmeUser, store.POFilter{Summary: true}, store.Page{}); total != 5 {
		t.Errorf("acme's summary total on its only page = %d, want 5", total)
	}
	if list, total, _ := f.svc.ListPOs(ctx, acmeUser, store.POFilter{Summary: true}, store.Page{Size: 5}); total != 5 || len(list) != 5 {
		t.Errorf("a page exactly full: %d rows, total %d; want 5 of 5 (no phantom next page)", len(list), total)
	}
}

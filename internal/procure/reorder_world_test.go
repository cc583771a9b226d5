package procure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// reorderNow is the fixed clock of the reorder tests.
var reorderNow = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// world is a store with named suppliers, products and one location, for
// tests of sales, stock, positions and the reorder engine.
type world struct {
	t     testing.TB
	ctx   context.Context
	s     *store.Store
	svc   *procure.Service
	sup   map[string]store.Supplier
	prod  map[string]store.Product
	loc   store.Location
	admin store.Actor
}

func newWorld(t testing.TB) *world {
	t.Helper()
	s := storetest.Open(t)
	s.Now = func() time.Time { return reorderNow }
	w := &world{t: t, ctx: context.Background(), s: s, svc: procure.New(s, nil), sup: map[string]store.Supplier{}, prod: map[string]store.Product{},
		admin: store.Actor{Kind: store.ActorSystem, Label: "test", Role: store.RoleAdmin, Channel: "test"}}
	w.loc = store.Location{Code: "MAIN", Name: "Main"}
	if err := s.CreateLocation(w.ctx, w.admin, &w.loc); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) supplier(code string) store.Supplier {
	w.t.Helper()
	if sp, ok := w.sup[code]; ok {
		return sp
	}
	sp := store.Supplier{Code: code, Name: code + " Ltd", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal}
	if err := w.s.CreateSupplier(w.ctx, w.admin, &sp); err != nil {
		w.t.Fatal(err)
	}
	w.sup[code] = sp
	return sp
}

func (w *world) product(sku string) store.Product {
	w.t.Helper()
	if p, ok := w.prod[sku]; ok {
		return p
	}
	p := store.Product{SKU: sku, Name: "Product " + sku}
	if err := w.s.CreateProduct(w.ctx, w.admin, &p); err != nil {
		w.t.Fatal(err)
	}
	w.prod[sku] = p
	return p
}

// item adds a catalog item; price in micros, breaks as minQty→price pairs.
func (w *world) item(supCode, sku string, price int64, lead int, moq, multiple, upu int64, breaks ...store.PriceBreak) {
	w.t.Helper()
	sp, p := w.supplier(supCode), w.product(sku)
	it := store.CatalogItem{SupplierID: sp.ID, ProductID: p.ID, SupplierPart: supCode + "-" + sku, UnitPriceMicros: price, Currency: "USD",
		MOQ: moq, OrderMultiple: multiple, PurchaseUnit: "EA", UnitsPerPurchaseUnit: upu, LeadTimeDays: lead, PriceBreaks: breaks}
	if upu > 1 {
		it.PurchaseUnit = "CS"
	}
	w.save(func(tx *store.Tx) error { return tx.UpsertCatalogItems([]store.CatalogItem{it}) })
}

func (w *world) save(fn func(tx *store.Tx) error) {
	w.t.Helper()
	if err := w.s.InTx(w.ctx, fn); err != nil {
		w.t.Fatal(err)
	}
}

// sales records daily[i] units on the (i+1)-th day before today.
func (w *world) sales(sku string, daily []int64) {
	w.t.Helper()
	p := w.product(sku)
	today := time.Date(reorderNow.Year(), reorderNow.Month(), reorderNow.Day(), 0, 0, 0, 0, time.UTC)
	var rows []store.Sale
	for i, q := range daily {
		if q == 0 {
			continue
		}
		rows = append(rows, store.Sale{ProductID: p.ID, SoldOn: today.AddDate(0, 0, -(i + 1)), Channel: "test", Quantity: q,
			SourceRef: fmt.Sprintf("%s-%d", sku, i)})
	}
	w.save(func(tx *store.Tx) error { _, err := tx.InsertSales(rows); return err })
}

func (w *world) stock(sku string, onHand, allocated int64) {
	w.t.Helper()
	p := w.product(sku)
	w.save(func(tx *store.Tx) error { return tx.SetStock(w.admin, p.ID, w.loc.ID, onHand, allocated) })
}

func (w *world) setting(name, value string) {
	w.t.Helper()
	w.save(func(tx *store.Tx) error { return tx.SetSetting(w.admin, name, value, false) })
}

// po creates a PO for a supplier with one line and moves it to status.
func (w *world) po(supCode, sku string, qty int64, status string) store.PurchaseOrder {
	w.t.Helper()
	po, err := w.svc.CreateDraft(w.ctx, w.admin, procure.DraftPO{SupplierID: w.supplier(supCode).ID, Lines: []procure.DraftLine{{SKU: sku, Quantity: qty}}})
	if err != nil {
		w.t.Fatal(err)
	}
	path := map[string][]string{
		store.POStatusDraft:           nil,
		store.POStatusPendingApproval: {store.POStatusPendingApproval},
		store.POStatusApproved:        {store.POStatusApproved},
		store.POStatusSent:            {store.POStatusApproved, store.POStatusSent},
		store.POStatusCancelled:       {store.POStatusCancelled},
	}[status]
	for _, st := range path {
		w.save(func(tx *store.Tx) error {
			cur, err := tx.LockPO(po.ID, 0)
			if err != nil {
				return err
			}
			return tx.SavePOHeader(&cur, map[string]any{"status": st})
		})
	}
	return po
}

func constant(q int64, days int) []int64 { return repeat(q, days) }

package procure_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func TestSetStockLevelsAllOrNothing(t *testing.T) {
	w := newWorld(t)
	w.product("A")
	w.product("B")
	n, err := w.svc.SetStockLevels(w.ctx, w.admin, []procure.StockInput{{SKU: "A", Location: "MAIN", OnHand: 10, Allocated: 2}, {SKU: "B", OnHand: 5}})
	if err != nil || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
	_, err = w.svc.SetStockLevels(w.ctx, w.admin, []procure.StockInput{{SKU: "A", OnHand: 99}, {SKU: "NOPE", OnHand: 1}})
	if err == nil || !strings.Contains(err.Error(), `unknown SKU "NOPE"`) {
		t.Fatalf("unknown SKU: %v", err)
	}
	_, err = w.svc.SetStockLevels(w.ctx, w.admin, []procure.StockInput{{SKU: "A", Location: "ELSEWHERE", OnHand: 1}})
	if err == nil || !strings.Contains(err.Error(), "unknown location") {
		t.Fatalf("unknown location: %v", err)
	}
	pos, _, err := w.svc.InventoryPositions(w.ctx, w.admin, procure.PositionFilter{SKU: "A"}, store.Page{})
	if err != nil || len(pos) != 1 || pos[0].OnHand != 10 || pos[0].Allocated != 2 || pos[0].AvailableToPromise != 8 {
		t.Fatalf("A after a refused batch: %+v %v", pos, err)
	}
	if _, err := w.svc.SetStockLevels(w.ctx, store.Actor{Kind: store.ActorUser, ID: 5, Role: store.RoleSupplier, SupplierID: 1}, []procure.StockInput{{SKU: "A", OnHand: 1}}); err == nil {
		t.Fatal("a supplier set stock")
	}
}

func TestImportStockFile(t *testing.T) {
	w := newWorld(t)
	w.product("A")
	w.product("B")
	file := "SKU,Location,On Hand,Allocated\nA,MAIN,40,5\nB,MAIN,7,\n"
	res, err := w.svc.ImportStock(w.ctx, w.admin, strings.NewReader(file), procure.ImportOptions{})
	if err != nil || res.Applied != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	again, err := w.svc.ImportStock(w.ctx, w.admin, strings.NewReader(file), procure.ImportOptions{})
	if err != nil || !again.Replayed {
		t.Fatalf("replay: %+v %v", again, err)
	}
	bad := "sku,on_hand\nA,12\nC,3\nB,-1\n"
	res, err = w.svc.ImportStock(w.ctx, w.admin, strings.NewReader(bad), procure.ImportOptions{})
	if !errors.Is(err, procure.ErrImportRejected) || len(res.Errors) != 2 || res.Errors[0].Row != 3 || res.Errors[0].Column != "sku" ||
		res.Errors[1].Row != 4 || res.Errors[1].Column != "on_hand" {
		t.Fatalf("bad file: %+v %v", res.Errors, err)
	}
	pos, _, _ := w.svc.InventoryPositions(w.ctx, w.admin, procure.PositionFilter{SKU: "A"}, store.Page{})
	if pos[0].OnHand != 40 {
		t.Fatalf("a rejected file changed stock: %+v", pos)
	}
}

// Position = on hand + on order − allocated, where on order counts only
// approved/sent/acknowledged/partially received POs, in stock units.
func TestInventoryPositions(t *testing.T) {
	w := newWorld(t)
	w.item("ACME", "A", 1_000_000, 7, 1, 1, 12) // cases of 12
	w.item("ACME", "B", 1_000_000, 7, 1, 1, 1)
	w.stock("A", 100, 30)
	sent := w.po("ACME", "A", 5, store.POStatusSent) // 60 units on order
	w.po("ACME", "A", 2, store.POStatusDraft)        // not on order yet
	w.po("ACME", "A", 3, store.POStatusCancelled)    // never
	w.po("ACME", "B", 4, store.POStatusApproved)
	// 2 of the 5 cases are shipped on an open ASN: 24 units in transit.
	w.save(func(tx *store.Tx) error {
		asn := store.ASN{Number: "ASN-1", SupplierID: sent.SupplierID, POID: sent.ID, ShipmentID: "S1", Status: store.ASNStatusOpen, Channel: "api",
			CreatedAt: reorderNow, UpdatedAt: reorderNow}
		if err := tx.DB().Omit("Lines", "Packs").Create(&asn).Error; err != nil {
			return err
		}
		return tx.DB().Create(&store.ASNLine{ASNID: asn.ID, SupplierID: sent.SupplierID, POLineID: sent.Lines[0].ID, ProductID: sent.Lines[0].ProductID, LineNo: 1, Quantity: 2}).Error
	})
	pos, total, err := w.svc.InventoryPositions(w.ctx, w.admin, procure.PositionFilter{}, store.Page{})
	if err != nil || total != 2 || len(pos) != 2 {
		t.Fatalf("%+v %d %v", pos, total, err)
	}
	a, b := pos[0], pos[1]
	if a.SKU != "A" || a.OnHand != 100 || a.OnOrder != 60 || a.Allocated != 30 || a.Position != 130 || a.AvailableToPromise != 70 || a.InTransit != 24 {
		t.Fatalf("A: %+v", a)
	}
	if b.OnOrder != 4 || b.Position != 4 || b.AvailableToPromise != 0 {
		t.Fatalf("B: %+v", b)
	}
	page2, total, err := w.svc.InventoryPositions(w.ctx, w.admin, procure.PositionFilter{}, store.Page{Number: 2, Size: 1})
	if err != nil || total != 2 || len(page2) != 1 || page2[0].SKU != "B" {
		t.Fatalf("page 2: %+v %d %v", page2, total, err)
	}
	if _, _, err := w.svc.InventoryPositions(w.ctx, w.admin, procure.PositionFilter{SKU: "ZZZ"}, store.Page{}); err == nil {
		t.Fatal("unknown SKU answered")
	}
}

package procure_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// A GTIN-13 with a valid check digit, given to SKU-1 for scan tests.
const rcvGTIN = "4006381333931"

// rcvFixture is the receiving world: ACME (policy backorder, USD) and
// GLOBEX (policy cancel, EUR) sell SKU-1 (each), SKU-2 (cases of 12) and
// SKU-3; one stock location; fixed clock.
type rcvFixture struct {
	*fixture
	loc       store.Location
	warehouse store.Actor
	acmeUser  store.Actor
	globexEDI store.Actor
	now       time.Time
}

func newRcvFixture(t testing.TB) *rcvFixture {
	t.Helper()
	ctx := context.Background()
	f := &rcvFixture{fixture: newFixture(t), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	f.s.Now = func() time.Time { return f.now }
	f.warehouse = store.Actor{Kind: store.ActorUser, ID: 0, Label: "dock@test", Role: store.RoleWarehouse, Channel: "portal"}
	f.acmeUser = store.Actor{Kind: store.ActorUser, Label: "acme@test", Role: store.RoleSupplier, SupplierID: f.acme.ID, Channel: "portal"}
	f.globexEDI = store.Actor{Kind: store.ActorPartner, Label: "GLOBEX EDI", Role: store.RoleSupplier, SupplierID: f.globex.ID, Channel: "edi"}
	f.loc = store.Location{Code: "MAIN", Name: "Main warehouse", CreatedAt: f.now}
	if err := f.s.CreateLocation(ctx, buyer, &f.loc); err != nil {
		t.Fatal(err)
	}
	file := "supplier_code,sku,supplier_part,unit_price,lead_time_days,units_per_purchase_unit\n" +
		"ACME,SKU-1,A-1,2.50,14,1\n" +
		"ACME,SKU-2,A-2,30.00,7,12\n" +
		"ACME,SKU-3,A-3,1.10,10,1\n" +
		"GLOBEX,SKU-1,G-1,2.40,21,1\n" +
		"GLOBEX,SKU-3,G-3,1.05,21,1\n"
	if _, err := f.svc.ImportCatalog(ctx, buyer, strings.NewReader(file), procure.ImportOptions{Filename: "rcv.csv"}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DB(ctx).Model(&store.Product{}).Where("sku = ?", "SKU-1").Update("gtin", rcvGTIN).Error; err != nil {
		t.Fatal(err)
	}
	return f
}

// rcvLine is a SKU and a quantity for sentPO.
type rcvLine struct {
	sku string
	qty int64
}

// sentPO creates a PO for sup and moves it to status (default sent), as
// approval and dispatch would.
func (f *rcvFixture) sentPO(t testing.TB, sup store.Supplier, status string, lines ...rcvLine) store.PurchaseOrder {
	t.Helper()
	ctx := context.Background()
	in := procure.DraftPO{SupplierID: sup.ID}
	for _, l := range lines {
		in.Lines = append(in.Lines, procure.DraftLine{SKU: l.sku, Quantity: l.qty})
	}
	po, err := f.svc.CreateDraft(ctx, buyer, in)
	if err != nil {
		t.Fatal(err)
	}
	if status == "" {
		status = store.POStatusSent
	}
	path := map[string][]string{
		store.POStatusDraft:     nil,
		store.POStatusApproved:  {store.POStatusApproved},
		store.POStatusSent:      {store.POStatusApproved, store.POStatusSent},
		store.POStatusCancelled: {store.POStatusCancelled},
	}[status]
	err = f.s.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPO(po.ID, 0)
		if err != nil {
			return err
		}
		for _, st := range path {
			fields := map[string]any{"status": st}
			if st == store.POStatusSent {
				fields["sent_at"] = f.now
			}
			if err := tx.SavePOHeader(&p, fields); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.s.PO(ctx, po.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func (f *rcvFixture) po(t testing.TB, id int64) store.PurchaseOrder {
	t.Helper()
	po, err := f.s.PO(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	return po
}

func (f *rcvFixture) onHand(t testing.TB, sku string) int64 {
	t.Helper()
	ctx := context.Background()
	p, err := f.s.ProductBySKU(ctx, sku)
	if err != nil {
		t.Fatal(err)
	}
	levels, err := f.s.StockLevels(ctx, p.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, l := range levels {
		n += l.OnHand
	}
	return n
}

func (f *rcvFixture) inTransit(t testing.TB, sku string) int64 {
	t.Helper()
	ctx := context.Background()
	p, err := f.s.ProductBySKU(ctx, sku)
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.svc.InTransit(ctx, []int64{p.ID})
	if err != nil {
		t.Fatal(err)
	}
	return m[p.ID]
}

// setQtyTolerance stores an upper quantity tolerance for a supplier.
func (f *rcvFixture) setQtyTolerance(t testing.TB, supplierID int64, pctBP, abs *int64) {
	t.Helper()
	sid := supplierID
	r := store.ToleranceRule{SupplierID: &sid, Kind: procure.ToleranceKindQuantity, PctUpperBP: pctBP, AbsUpper: abs}
	if err := f.s.DB(context.Background()).Create(&r).Error; err != nil {
		t.Fatal(err)
	}
}

// wantFault checks code and that the message (with field) contains want.
func wantFault(t testing.TB, err error, code fault.Code, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s %q", code, want)
	}
	if got := fault.CodeOf(err); got != code {
		t.Fatalf("code %s, want %s (%v)", got, code, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not contain %q", err.Error(), want)
	}
}

func i64(v int64) *int64 { return &v }

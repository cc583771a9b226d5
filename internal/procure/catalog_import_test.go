package procure_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/xuri/excelize/v2"
)

const catalogHeader = "supplier_code,sku,supplier_part,unit_price,lead_time_days,moq,order_multiple,price_breaks,product_name\n"

// goodRows returns n valid catalog rows for ACME, creating products NEW-i.
func goodRows(n int) []string {
	rows := make([]string, n)
	for i := range rows {
		rows[i] = fmt.Sprintf("ACME,NEW-%d,A-%d,%d.25,14,12,6,100:9.50;500:9.00,New product %d", i, i, 10+i, i)
	}
	return rows
}

func catalogCount(t *testing.T, f *fixture) int64 {
	t.Helper()
	n, err := f.s.CountCatalogItems(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Each bad file is refused as a whole with an error naming row, column and
// reason; nothing of it is applied.
func TestImportCatalogRejectsBadRowsAndAppliesNothing(t *testing.T) {
	cases := []struct {
		name    string
		bad     string // replaces data row 6 (spreadsheet row 7)
		column  string
		contain string
	}{
		{"bad price in row 7", "ACME,SKU-1,A-X,12.3.4,14,12,6,,", "unit_price", `"12.3.4" is not a price`},
		{"negative MOQ", "ACME,SKU-1,A-X,12.00,14,-5,6,,", "moq", "must be at least 1, got -5"},
		{"duplicate SKU", "ACME,NEW-0,A-X,12.00,14,12,6,,", "sku", `duplicate SKU "NEW-0" for supplier ACME (also on row 2)`},
		{"unknown supplier code", "NOPE,SKU-1,A-X,12.00,14,12,6,,", "supplier_code", `unknown supplier code "NOPE"`},
		{"bad price break", "ACME,SKU-1,A-X,12.00,14,12,6,100-9.5,", "price_breaks", "quantity:price"},
		{"unknown SKU without a name", "ACME,NOSUCH,A-X,12.00,14,12,6,,", "sku", `unknown SKU "NOSUCH"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			rows := goodRows(10)
			rows[5] = tc.bad
			file := catalogHeader + strings.Join(rows, "\n") + "\n"
			res, err := f.svc.ImportCatalog(context.Background(), buyer, strings.NewReader(file), procure.ImportOptions{Filename: "cat.csv"})
			if !errors.Is(err, procure.ErrImportRejected) {
				t.Fatalf("err = %v, want ErrImportRejected", err)
			}
			if len(res.Errors) != 1 {
				t.Fatalf("errors = %+v, want exactly one", res.Errors)
			}
			e := res.Errors[0]
			if e.Row != 7 || e.Column != tc.column || !strings.Contains(e.Reason, tc.contain) {
				t.Fatalf("error = %s, want row 7, column %s, containing %q", e.String(), tc.column, tc.contain)
			}
			if n := catalogCount(t, f); n != 0 {
				t.Fatalf("%d catalog items applied from a rejected file", n)
			}
			if _, total, _ := f.s.Products(context.Background(), "NEW-", store.Page{}); total != 0 {
				t.Fatalf("%d products created from a rejected file", total)
			}
		})
	}
}

func TestImportCatalogPartialAppliesGoodRows(t *testing.T) {
	f := newFixture(t)
	rows := goodRows(10)
	rows[5] = "ACME,SKU-1,A-X,abc,14,12,6,,"
	file := catalogHeader + strings.Join(rows, "\n") + "\n"
	res, err := f.svc.ImportCatalog(context.Background(), buyer, strings.NewReader(file), procure.ImportOptions{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Applied != 9 || len(res.Errors) != 1 || res.ProductsCreated != 9 {
		t.Fatalf("result = %+v", res)
	}
	if n := catalogCount(t, f); n != 9 {
		t.Fatalf("catalog has %d items, want 9", n)
	}
}

func TestImportCatalogExactPricesBreaksAndReplay(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	file := catalogHeader + "ACME,SKU-1,A-1,0.123456,14,24,12,100:0.12;500:0.1,\n"
	res, err := f.svc.ImportCatalog(ctx, buyer, strings.NewReader(file), procure.ImportOptions{})
	if err != nil || res.Applied != 1 {
		t.Fatalf("res=%+v err=%v", res, err)
	}
	items, _, err := f.s.CatalogItems(ctx, store.CatalogFilter{SupplierID: f.acme.ID}, store.Page{})
	if err != nil || len(items) != 1 {
		t.Fatalf("items=%v err=%v", items, err)
	}
	it := items[0]
	if it.UnitPriceMicros != 123456 || it.MOQ != 24 || it.OrderMultiple != 12 || it.LeadTimeDays != 14 || it.Currency != "USD" {
		t.Fatalf("item = %+v", it)
	}
	if len(it.PriceBreaks) != 2 || it.PriceFor(99) != 123456 || it.PriceFor(100) != 120000 || it.PriceFor(700) != 100000 {
		t.Fatalf("breaks = %+v", it.PriceBreaks)
	}
	again, err := f.svc.ImportCatalog(ctx, buyer, strings.NewReader(file), procure.ImportOptions{})
	if err != nil || !again.Replayed {
		t.Fatalf("replay = %+v, %v", again, err)
	}
	// A changed file updates the item in place (same supplier and product).
	upd := catalogHeader + "ACME,SKU-1,A-1,0.2,7,24,12,,\n"
	if _, err := f.svc.ImportCatalog(ctx, buyer, strings.NewReader(upd), procure.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	items, _, _ = f.s.CatalogItems(ctx, store.CatalogFilter{SupplierID: f.acme.ID}, store.Page{})
	if len(items) != 1 || items[0].UnitPriceMicros != 200000 || items[0].LeadTimeDays != 7 {
		t.Fatalf("after update: %+v", items)
	}
}

func TestImportCatalogXLSXAndWrongColumns(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	x := excelize.NewFile()
	rows := [][]any{
		{"Supplier Code", "SKU", "Supplier Part", "Unit Price", "Lead Time Days", "MOQ"},
		{"ACME", "SKU-2", "A-2", 1234.5, 10, 6},
		{"GLOBEX", "SKU-2", "G-2", "7.10", 21, 1},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.ImportCatalog(ctx, buyer, &buf, procure.ImportOptions{Filename: "cat.xlsx"})
	if err != nil || res.Applied != 2 {
		t.Fatalf("res=%+v err=%v", res, err)
	}
	items, _, _ := f.s.CatalogItems(ctx, store.CatalogFilter{SupplierID: f.acme.ID}, store.Page{})
	if len(items) != 1 || items[0].UnitPriceMicros != 1_234_500_000 {
		t.Fatalf("xlsx price not exact: %+v", items)
	}
	_, err = f.svc.ImportCatalog(ctx, buyer, strings.NewReader("sku,price\nA,1\n"), procure.ImportOptions{})
	if fault.CodeOf(err) != fault.Invalid || !strings.Contains(err.Error(), "missing column(s) supplier_code") {
		t.Fatalf("wrong columns: %v", err)
	}
}

func TestImportCatalogRequiresBuyer(t *testing.T) {
	f := newFixture(t)
	sup := store.Actor{Kind: store.ActorUser, Role: store.RoleSupplier, SupplierID: f.acme.ID}
	_, err := f.svc.ImportCatalog(context.Background(), sup, strings.NewReader(catalogHeader), procure.ImportOptions{})
	if fault.CodeOf(err) != fault.Forbidden {
		t.Fatalf("supplier import: %v", err)
	}
}

package procure_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func salesFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sales", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// storedSales returns "sku day channel" → quantity summed.
func storedSales(t *testing.T, w *world) map[string]int64 {
	t.Helper()
	var rows []store.Sale
	if err := w.s.DB(w.ctx).Order("id").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	skus := map[int64]string{}
	for sku, p := range w.prod {
		skus[p.ID] = sku
	}
	out := map[string]int64{}
	for _, r := range rows {
		out[skus[r.ProductID]+" "+r.SoldOn.UTC().Format("01-02")+" "+r.Channel] += r.Quantity
		if !r.SoldOn.UTC().Equal(r.SoldOn.UTC().Truncate(24 * time.Hour)) {
			t.Errorf("sale %d stored at %s, not at 00:00 UTC of its day", r.ID, r.SoldOn)
		}
	}
	return out
}

func TestImportSalesFormats(t *testing.T) {
	tests := []struct {
		format, file      string
		applied, excluded int
		want              map[string]int64
	}{
		{"shopify", "shopify_orders.csv", 5, 4, map[string]int64{
			// #1002 at 23:30 -0800 is still March 1st where it was placed.
			"NW-001 03-01 shopify": 5, "NW-002 03-01 shopify": 1,
			// #1006 has NW-003 twice: two lines, both kept.
			"NW-003 03-04 shopify": 2}},
		{"amazon", "amazon_all_orders.txt", 4, 1, map[string]int64{
			"NW-001 03-01 amazon": 2, "NW-002 03-01 amazon": 1, "NW-003 03-02 amazon": 4, "NW-002 03-03 amazon": 3}},
		{"ebay", "ebay_orders.csv", 4, 2, map[string]int64{
			"NW-001 03-01 ebay": 2, "NW-002 03-01 ebay": 1, "NW-001 03-02 ebay": 3, "NW-003 03-04 ebay": 5}},
		{"generic", "generic.csv", 14, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			w := newWorld(t)
			for _, sku := range []string{"NW-001", "NW-002", "NW-003"} {
				w.product(sku)
			}
			data := salesFixture(t, tt.file)
			res, err := w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(data), tt.format, procure.ImportOptions{Filename: tt.file})
			if err != nil {
				t.Fatalf("%v %+v", err, res.Errors)
			}
			if res.Applied != tt.applied || res.Excluded != tt.excluded || len(res.Errors) != 0 {
				t.Fatalf("applied %d excluded %d errors %+v; want %d, %d, none", res.Applied, res.Excluded, res.Errors, tt.applied, tt.excluded)
			}
			got := storedSales(t, w)
			if tt.want != nil {
				if len(got) != len(tt.want) {
					t.Fatalf("stored %v, want %v", got, tt.want)
				}
				for k, v := range tt.want {
					if got[k] != v {
						t.Fatalf("%s: %d, want %d (all: %v)", k, got[k], v, got)
					}
				}
			}
			// The same file again changes nothing.
			again, err := w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(data), tt.format, procure.ImportOptions{})
			if err != nil || !again.Replayed || again.Applied != 0 {
				t.Fatalf("re-import: %+v %v", again, err)
			}
			if after := storedSales(t, w); len(after) != len(got) {
				t.Fatalf("re-import changed sales: %v → %v", got, after)
			}
		})
	}
}

// An export that overlaps an earlier one (a different file, so a different
// hash) stores only the new lines.
func TestImportSalesOverlappingExport(t *testing.T) {
	w := newWorld(t)
	for _, sku := range []string{"NW-001", "NW-002", "NW-003"} {
		w.product(sku)
	}
	first := salesFixture(t, "amazon_all_orders.txt")
	if _, err := w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(first), "amazon", procure.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	more := string(first) + "111-0000009-0000009\t\t2026-03-05T08:00:00+00:00\t\tShipped\t\t\t\t\t\tNW-003\t\t\t7\n"
	res, err := w.svc.ImportSales(w.ctx, w.admin, strings.NewReader(more), "amazon", procure.ImportOptions{})
	if err != nil {
		t.Fatalf("%v %+v", err, res.Errors)
	}
	if res.Applied != 1 || res.AlreadyKnown != 4 {
		t.Fatalf("applied %d already known %d; want 1 and 4", res.Applied, res.AlreadyKnown)
	}
	if got := storedSales(t, w); got["NW-001 03-01 amazon"] != 2 || got["NW-003 03-05 amazon"] != 7 {
		t.Fatalf("stored %v", got)
	}
}

// Must show: a malformed date on line 12 is reported with its line and
// column, and nothing of the file is stored.
func TestImportSalesMalformedDateLine12(t *testing.T) {
	w := newWorld(t)
	for _, sku := range []string{"NW-001", "NW-002", "NW-003"} {
		w.product(sku)
	}
	res, err := w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(salesFixture(t, "generic_bad_date_line12.csv")), "generic", procure.ImportOptions{})
	if !errors.Is(err, procure.ErrImportRejected) {
		t.Fatalf("err %v, want the file rejected", err)
	}
	if len(res.Errors) != 1 || res.Errors[0].Row != 12 || res.Errors[0].Column != "date" {
		t.Fatalf("errors %+v; want one at row 12, column date", res.Errors)
	}
	msg := res.Errors[0].String()
	for _, want := range []string{"row 12", "column date", `"2026-02-30" is not a valid date`} {
		if !strings.Contains(msg, want) {
			t.Fatalf("%q lacks %q", msg, want)
		}
	}
	if got := storedSales(t, w); len(got) != 0 {
		t.Fatalf("a rejected file stored %v", got)
	}
}

// Unknown SKUs are reported by row and column; --partial stores the rest.
func TestImportSalesUnknownSKU(t *testing.T) {
	w := newWorld(t)
	for _, sku := range []string{"NW-001", "NW-002", "NW-003"} {
		w.product(sku)
	}
	data := salesFixture(t, "generic_unknown_sku.csv")
	res, err := w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(data), "generic", procure.ImportOptions{})
	if !errors.Is(err, procure.ErrImportRejected) || len(res.Errors) != 1 || res.Errors[0].Row != 4 || res.Errors[0].Column != "sku" ||
		!strings.Contains(res.Errors[0].Reason, `unknown SKU "NOPE-9"`) {
		t.Fatalf("err %v errors %+v", err, res.Errors)
	}
	res, err = w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(data), "generic", procure.ImportOptions{Partial: true})
	if err != nil || res.Applied != 4 || len(res.Errors) != 1 {
		t.Fatalf("partial: %+v %v", res, err)
	}
}

func TestImportSalesWrongFormatAndColumns(t *testing.T) {
	w := newWorld(t)
	_, err := w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(salesFixture(t, "generic.csv")), "etsy", procure.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "amazon, ebay, generic, shopify") {
		t.Fatalf("unknown format: %v", err)
	}
	_, err = w.svc.ImportSales(w.ctx, w.admin, bytes.NewReader(salesFixture(t, "generic.csv")), "shopify", procure.ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "Shopify orders export") || !strings.Contains(err.Error(), "lineitem_sku") {
		t.Fatalf("generic file as shopify: %v", err)
	}
	_, err = w.svc.ImportSales(w.ctx, store.Actor{Kind: store.ActorUser, ID: 3, Role: store.RoleSupplier, SupplierID: 1}, bytes.NewReader(nil), "generic", procure.ImportOptions{})
	if err == nil {
		t.Fatal("a supplier imported sales")
	}
}

// Bad cells in each format name the column as that format's file spells it.
func TestParseSalesFileCellErrors(t *testing.T) {
	tests := []struct {
		format, file string
		row          int
		column       string
	}{
		{"shopify", "Name,Created at,Financial Status,Lineitem quantity,Lineitem sku\n#1,2026-03-01 10:00:00 -0500,paid,two,A\n", 2, "Lineitem quantity"},
		{"shopify", "Name,Created at,Financial Status,Lineitem quantity,Lineitem sku\n#1,yesterday,paid,1,A\n", 2, "Created at"},
		{"shopify", "Name,Created at,Financial Status,Lineitem quantity,Lineitem sku\n#1,,paid,1,A\n", 2, "Created at"},
		{"amazon", "amazon-order-id\tpurchase-date\torder-status\tsku\tquantity\n1\t2026-03-01T10:00:00+00:00\tShipped\tA\t0\n", 2, "quantity"},
		{"amazon", "amazon-order-id\tpurchase-date\torder-status\tsku\tquantity\n1\t03/01/2026\tShipped\tA\t1\n", 2, "purchase-date"},
		{"ebay", "Order Number,Sale Date,Custom Label,Quantity\n1,Feb-30-26,A,1\n", 2, "Sale Date"},
		{"ebay", "Order Number,Sale Date,Custom Label,Quantity\n1,Mar-01-26,,1\n", 2, "Custom Label"},
		{"generic", "date,sku,quantity\n2026-03-01,,1\n", 2, "sku"},
	}
	for _, tt := range tests {
		f, err := procure.ParseSalesFile(strings.NewReader(tt.file), tt.format)
		if err != nil {
			t.Fatalf("%s: %v", tt.format, err)
		}
		if len(f.Errors) != 1 || f.Errors[0].Row != tt.row || f.Errors[0].Column != tt.column || len(f.Lines) != 0 {
			t.Errorf("%s %q: errors %+v lines %d; want one at row %d column %q", tt.format, tt.file, f.Errors, len(f.Lines), tt.row, tt.column)
		}
	}
}

// FuzzParseSalesFile: no input crashes a parser, and every kept line has a
// SKU, a positive quantity, a day at 00:00 UTC and a source reference.
func FuzzParseSalesFile(f *testing.F) {
	for _, name := range []string{"generic.csv", "shopify_orders.csv", "amazon_all_orders.txt", "ebay_orders.csv", "generic_bad_date_line12.csv"} {
		f.Add(salesFixture(f, name), uint8(0))
		f.Add(salesFixture(f, name), uint8(1))
		f.Add(salesFixture(f, name), uint8(2))
		f.Add(salesFixture(f, name), uint8(3))
	}
	f.Add([]byte("date,sku,quantity\n\"unterminated"), uint8(0))
	formats := procure.SalesFormats()
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		format := formats[int(which)%len(formats)]
		file, err := procure.ParseSalesFile(bytes.NewReader(data), format)
		if err != nil {
			return
		}
		refs := map[string]bool{}
		for _, l := range file.Lines {
			if l.SKU == "" || l.Quantity <= 0 || l.SourceRef == "" || l.Channel == "" || l.Row < 2 {
				t.Fatalf("bad line %+v", l)
			}
			if h, m, s := l.Day.Clock(); h+m+s != 0 || l.Day.Location() != time.UTC {
				t.Fatalf("day %v not at 00:00 UTC", l.Day)
			}
			if format != "generic" && refs[l.SourceRef] {
				t.Fatalf("source ref %q twice", l.SourceRef)
			}
			refs[l.SourceRef] = true
		}
		if len(file.Lines)+len(file.Errors)+file.Excluded > file.Rows+len(file.Errors) {
			t.Fatalf("more outcomes than rows: %d lines, %d excluded, %d rows", len(file.Lines), file.Excluded, file.Rows)
		}
	})
}

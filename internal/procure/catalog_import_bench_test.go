package procure_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/xuri/excelize/v2"
)

// catalogXLSX builds an n-row catalog workbook for ACME with the streaming
// writer, creating a new product per row (the heaviest import shape).
func catalogXLSX(tb testing.TB, n int) []byte {
	tb.Helper()
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	header := []any{"supplier_code", "sku", "supplier_part", "unit_price", "lead_time_days", "moq", "order_multiple", "price_breaks", "product_name", "gtin"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{"ACME", fmt.Sprintf("BULK-%06d", i), fmt.Sprintf("AC-%06d", i), fmt.Sprintf("%d.%02d", 1+i%500, i%100),
			7 + i%21, 1 + i%24, 1 + i%6, "100:0.99;1000:0.95", fmt.Sprintf("Bulk product %d", i), ""}
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImportCatalogXLSX50k imports a 50,000-row XLSX into a fresh
// database per iteration. Target (issue 2): under 10 s on SQLite and on
// PostgreSQL (set POGATE_TEST_DATABASE_URL) on 2 cores.
func BenchmarkImportCatalogXLSX50k(b *testing.B) {
	data := catalogXLSX(b, 50_000)
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b)
		b.StartTimer()
		res, err := f.svc.ImportCatalog(context.Background(), buyer, bytes.NewReader(data), procure.ImportOptions{Filename: "bulk.xlsx"})
		if err != nil || res.Applied != 50_000 {
			b.Fatalf("import: applied %d, %d errors, err %v", res.Applied, len(res.Errors), err)
		}
	}
	b.ReportMetric(float64(50_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

func TestImportCatalogLargeXLSX(t *testing.T) {
	if testing.Short() {
		t.Skip("large import skipped in -short mode")
	}
	f := newFixture(t)
	data := catalogXLSX(t, 3000)
	res, err := f.svc.ImportCatalog(context.Background(), buyer, bytes.NewReader(data), procure.ImportOptions{})
	if err != nil || res.Applied != 3000 || res.ProductsCreated != 3000 {
		t.Fatalf("res=%+v err=%v", res.Applied, err)
	}
	if n := catalogCount(t, f); n != 3000 {
		t.Fatalf("catalog has %d", n)
	}
}

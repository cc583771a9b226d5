package docs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
)

// typicalTwoPagePDF is a Chromium-printed 48-line invoice: two pages, the
// shape most web invoicing tools produce.
const typicalTwoPagePDF = "c13-chromium-classic-usd.pdf"

func BenchmarkExtractPDFTwoPages(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", typicalTwoPagePDF))
	if err != nil {
		b.Fatal(err)
	}
	res, err := Extract(context.Background(), data, KindPDF, nil, Limits{})
	if err != nil || res.Layout.Pages != 2 {
		b.Fatalf("benchmark document: %v, pages %v", err, res)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(context.Background(), data, KindPDF, nil, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(2*b.N)/(cpuSeconds()-cpu), "pages/cpu-s")
}

// BenchmarkExtractIsolatedPDF measures the same document through the child
// process, i.e. what the server pays per upload.
func BenchmarkExtractIsolatedPDF(b *testing.B) {
	path := filepath.Join("testdata", "corpus", typicalTwoPagePDF)
	limits := testLimits()
	for i := 0; i < b.N; i++ {
		if _, err := ExtractIsolated(context.Background(), path, KindPDF, nil, limits); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "pages/s")
}

// supplierWorkbook builds a supplier layout with n line rows.
func supplierWorkbook(b *testing.B, n int) []byte {
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	rows := [][]any{{"Invoice No.", "INV-5000"}, {"Invoice Date", "2026-04-30"}, {"PO Number", "PO-5000"}, {"Currency", "EUR"}, {},
		{"SKU", "Description", "Qty", "Unit Price", "Amount"}}
	total := int64(0)
	for i := 0; i < n; i++ {
		qty, cents := int64(1+i%17), int64(125+i%997)
		total += qty * cents
		rows = append(rows, []any{fmt.Sprintf("AB-%05d", i), "Stainless steel item", qty,
			excelize.Cell{Value: fmt.Sprintf("%d.%02d", cents/100, cents%100)},
			excelize.Cell{Value: fmt.Sprintf("%d.%02d", qty*cents/100, qty*cents%100)}})
	}
	rows = append(rows, []any{}, []any{nil, nil, nil, "Total", excelize.Cell{Value: fmt.Sprintf("%d.%02d", total/100, total%100)}})
	for i, r := range rows {
		ref, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(ref, r); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchRows is the size of the supplier workbook benchmark.
var benchRows = envInt("DOCS_BENCH_ROWS", 5000)

func BenchmarkExtractXLSX5000Rows(b *testing.B) {
	n := benchRows
	data := supplierWorkbook(b, n)
	res, err := Extract(context.Background(), data, KindXLSX, nil, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Draft.Lines) != n {
		b.Fatalf("read %d lines, want %d (review: %v)", len(res.Draft.Lines), n, res.Draft.Reasons)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu := cpuSeconds()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(context.Background(), data, KindXLSX, nil, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(n*b.N)/(cpuSeconds()-cpu), "rows/cpu-s")
}

func envInt(name string, def int) int {
	var n int
	if _, err := fmt.Sscan(os.Getenv(name), &n); err == nil && n > 0 {
		return n
	}
	return def
}

// cpuSeconds is this process's user+system CPU time. On a shared machine
// the wall-clock rate says more about the neighbours than about the code,
// so the benchmarks report the rate per CPU-second as well.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

package gateway

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// BenchmarkIngest855 runs the whole inbound pipeline per file (store raw,
// parse, duplicate check, record, 997 with a control number, apply) on
// the test database; files/s is the figure that matters for a gateway.
func BenchmarkIngest855(b *testing.B) {
	fx := newFixture(b)
	raw := readFixture(b, "855-ack-po1001.edi")
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		data := bytes.Replace(raw, []byte("000000202"), []byte(fmt.Sprintf("%09d", 10000+i)), 2)
		f, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload}, "855.edi", data)
		if err != nil || f.Status == "failed" {
			b.Fatalf("%v %s %q", err, f.Status, f.ErrorText)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkIngest810File ingests files of 500 invoices (one 810 set each,
// against PO-1001, none received yet, so each awaits receipt) through the whole pipeline with the real procure core:
// parse, store the sets, one SubmitInvoices call for the run, settle each
// set, write the 997. Reports invoices per second.
func BenchmarkIngest810File(b *testing.B) {
	fx := newFixture(b)
	fx.g.SetCore(ProcureCore{Service: procure.New(fx.s, slog.New(slog.NewTextHandler(io.Discard, nil)))})
	if err := fx.s.DB(fx.ctx).Model(&store.PurchaseOrder{}).Where("id = ?", fx.po.ID).Update("status", store.POStatusSent).Error; err != nil {
		b.Fatal(err)
	}
	const perFile = 500
	b.ResetTimer()
	invoices := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		list := make([][3]string, perFile)
		for k := range list {
			// Distinct amounts: equal totals on one day would make every
			// invoice a near-duplicate candidate of all the others.
			list[k] = [3]string{fmt.Sprintf("INV-%d-%d", i, k), "PO-1001", fmt.Sprint(1 + (i*perFile+k)%100000)}
		}
		data := bytes.ReplaceAll(multi810(list), []byte("000000406"), []byte(fmt.Sprintf("%09d", 20000+i)))
		b.StartTimer()
		f, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload}, "810.edi", data)
		if err != nil || f.Status != store.EDIFileApplied {
			b.Fatalf("%v %s %q", err, f.Status, f.ErrorText)
		}
		invoices += perFile
	}
	b.ReportMetric(float64(invoices)/b.Elapsed().Seconds(), "invoices/s")
}

package procure_test

import (
	"fmt"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// BenchmarkRenderPOPDF renders a 50-line PO as the PDF e-mail suppliers get.
func BenchmarkRenderPOPDF(b *testing.B) {
	po := store.PurchaseOrder{Number: "PO-000123", Currency: "USD", CreatedAt: flowStart}
	for i := range 50 {
		d := flowStart.AddDate(0, 0, 14)
		po.Lines = append(po.Lines, store.POLine{LineNo: i + 1, SupplierPart: fmt.Sprintf("P-%04d", i), Description: "Stoneware mug, blue glaze",
			Quantity: int64(100 + i), Unit: "EA", UnitPriceMicros: 2_345_678, AmountMinor: int64(100+i) * 235, ExpectedAt: &d})
		po.TotalMinor += int64(100+i) * 235
	}
	sup, brand := store.Supplier{Name: "Mail Order Supplies", Code: "MAILCO"}, store.DefaultBrand()
	var size int
	b.ReportAllocs()
	for b.Loop() {
		pdf, err := procure.RenderPOPDF(po, sup, brand)
		if err != nil {
			b.Fatal(err)
		}
		size = len(pdf)
	}
	b.SetBytes(int64(size))
	b.ReportMetric(float64(size), "pdf-bytes")
}

// BenchmarkSubmitAndSend is the approval-to-sent path of one small PO:
// submit (rules, audit, outbox event, job insert) and the send job (lease,
// portal send, audit), on the test database (SQLite unless
// POGATE_TEST_DATABASE_URL is set).
func BenchmarkSubmitAndSend(b *testing.B) {
	w := newFlowWorld(b)
	ids := make([]int64, 0, 64)
	b.ResetTimer()
	n := 0
	for b.Loop() {
		b.StopTimer()
		if len(ids) == 0 {
			for range 64 {
				ids = append(ids, w.draft(w.buyer, w.portal, 3).ID)
			}
		}
		id := ids[len(ids)-1]
		ids = ids[:len(ids)-1]
		b.StartTimer()
		if _, _, err := w.svc.Submit(w.ctx, w.buyer, id); err != nil {
			b.Fatal(err)
		}
		if err := w.dispatch.Send(w.ctx, id); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.StopTimer()
	w.drain() // the queued sends find their POs sent: no-ops
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "pos/s")
}

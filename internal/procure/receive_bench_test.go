package procure_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/procure"
)

// BenchmarkReceive books one receipt per iteration (one line, one unit)
// against a PO with ample open quantity: the full command with row locks,
// tolerance lookup, stock update, receipt event and two audit events.
func BenchmarkReceive(b *testing.B) {
	f := newRcvFixture(b)
	ctx := context.Background()
	po := f.sentPO(b, f.acme, "", rcvLine{"SKU-1", 10_000_000}, rcvLine{"SKU-2", 100}, rcvLine{"SKU-3", 100})
	in := procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{GTIN: rcvGTIN}, 1)}}
	b.ResetTimer()
	for b.Loop() {
		if _, err := f.svc.Receive(ctx, f.warehouse, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "receipts/s")
}

// BenchmarkSubmitASN submits one single-line ASN with one pack per
// iteration against a PO with ample open quantity.
func BenchmarkSubmitASN(b *testing.B) {
	f := newRcvFixture(b)
	ctx := context.Background()
	po := f.sentPO(b, f.acme, "", rcvLine{"SKU-1", 10_000_000})
	i := 0
	for b.Loop() {
		i++
		_, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "B-" + itoa(i),
			Packs: []procure.ASNPackInput{{SSCC: ssccCase1, Items: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 1}}}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "asns/s")
}

func itoa(i int) string {
	var buf [20]byte
	n := len(buf)
	for {
		n--
		buf[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(buf[n:])
		}
	}
}

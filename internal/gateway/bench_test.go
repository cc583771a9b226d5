package gateway

import (
	"bytes"
	"fmt"
	"testing"
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

package procure

import (
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store"
)

func TestScorecardIntegerStatistics(t *testing.T) {
	medians := []struct {
		xs   []int64
		want int64
	}{
		{[]int64{5}, 5},
		{[]int64{30, 10, 20}, 20},
		{[]int64{10, 20}, 15},
		{[]int64{10, 11}, 11}, // 10.5 rounds away from zero
		{[]int64{-3, -2}, -3},
	}
	for _, c := range medians {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %d, want %d", c.xs, got, c.want)
		}
	}
	stats := []struct {
		xs         []int64
		mean, sdev int64
	}{
		{[]int64{500}, 500, 0},
		{[]int64{200, 400, 400, 400, 500, 500, 700, 900}, 500, 200}, // the textbook σ = 2 example, ×100
		{[]int64{100, 200}, 150, 50},
		{[]int64{-100, -200}, -150, 50},
		{[]int64{1, 2}, 2, 0}, // σ 0.5 rounds down to 0 hundredths
		{[]int64{3_650_000, 3_650_000, 3_650_000}, 3_650_000, 0},
	}
	for _, c := range stats {
		if m, s := meanStddev(c.xs); m != c.mean || s != c.sdev {
			t.Errorf("meanStddev(%v) = %d, %d; want %d, %d", c.xs, m, s, c.mean, c.sdev)
		}
	}
	ratios := []struct {
		num, den, want int64
		ok             bool
	}{
		{480, 500, 9600, true},
		{1, 3, 3333, true},
		{2, 3, 6667, true},
		{1, 20000, 0, true},  // 0.5 bp: half to even → 0
		{3, 20000, 2, true},  // 1.5 bp → 2
		{-1, 20000, 0, true}, // -0.5 bp → 0
		{-3, 20000, -2, true},
		{1, 0, 0, false},
		{9_000_000_000_000_000, 9_000_000_000_000_000, 10000, true},
	}
	for _, c := range ratios {
		if got, ok := ratioBP(c.num, c.den); got != c.want || ok != c.ok {
			t.Errorf("ratioBP(%d, %d) = %d %v, want %d %v", c.num, c.den, got, ok, c.want, c.ok)
		}
	}
	if got := centidays(36 * time.Hour); got != 150 {
		t.Errorf("centidays(36h) = %d", got)
	}
}

func TestSettleLine(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone data:", err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, ny) }
	ptr := func(t time.Time) *time.Time { return &t }
	promised := ptr(day(10, 12))
	cases := []struct {
		name     string
		h        store.ScorecardLineHistory
		settled  bool
		at       time.Time
		received int64
		onTime   bool
		inFull   bool
	}{
		{"open, partly received", store.ScorecardLineHistory{Line: store.POLine{Quantity: 10}, OriginalPromisedAt: promised,
			Receipts: []store.ScorecardDelivery{{AcceptedQty: 4, ReceivedAt: day(9, 9)}}}, false, time.Time{}, 4, false, false},
		{"full in two deliveries by 23:00 of the promised day", store.ScorecardLineHistory{Line: store.POLine{Quantity: 10}, OriginalPromisedAt: promised,
			Receipts: []store.ScorecardDelivery{{AcceptedQty: 4, ReceivedAt: day(9, 9)}, {AcceptedQty: 6, ReceivedAt: day(10, 23)}}}, true, day(10, 23), 10, true, true},
		{"full the morning after", store.ScorecardLineHistory{Line: store.POLine{Quantity: 10}, OriginalPromisedAt: promised,
			Receipts: []store.ScorecardDelivery{{AcceptedQty: 10, ReceivedAt: day(11, 1)}}}, true, day(11, 1), 10, false, true},
		{"closed short after an early delivery", store.ScorecardLineHistory{Line: store.POLine{Quantity: 500}, OriginalPromisedAt: promised, ClosedAt: ptr(day(12, 9)),
			Receipts: []store.ScorecardDelivery{{AcceptedQty: 480, ReceivedAt: day(8, 9)}}}, true, day(12, 9), 480, true, false},
		{"closed with nothing delivered", store.ScorecardLineHistory{Line: store.POLine{Quantity: 5}, OriginalPromisedAt: promised, ClosedAt: ptr(day(12, 9))},
			true, day(12, 9), 0, false, false},
		{"damaged goods do not fill", store.ScorecardLineHistory{Line: store.POLine{Quantity: 5}, OriginalPromisedAt: promised,
			Receipts: []store.ScorecardDelivery{{AcceptedQty: 0, ReceivedAt: day(9, 9)}}}, false, time.Time{}, 0, false, false},
		{"nothing promised", store.ScorecardLineHistory{Line: store.POLine{Quantity: 1},
			Receipts: []store.ScorecardDelivery{{AcceptedQty: 1, ReceivedAt: day(20, 9)}}}, true, day(20, 9), 1, true, true},
	}
	for _, c := range cases {
		o, ok := settle(c.h, ny)
		if ok != c.settled || o.received != c.received {
			t.Errorf("%s: settled %v received %d; want %v %d", c.name, ok, o.received, c.settled, c.received)
			continue
		}
		if ok && (!o.settledAt.Equal(c.at) || o.onTime != c.onTime || o.inFull != c.inFull) {
			t.Errorf("%s: at %v onTime %v inFull %v; want %v %v %v", c.name, o.settledAt, o.onTime, o.inFull, c.at, c.onTime, c.inFull)
		}
	}
}

// FuzzParseMonth: whatever is accepted is a real month that prints back
// as the same YYYY-MM (after trimming); nothing panics.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-03", " 2026-12 ", "2026-13", "26-03", "2026-3", "", "2026-03-01", "0000-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		y, m, err := ParseMonth(s)
		if err != nil {
			return
		}
		if m < time.January || m > time.December || y < 0 || y > 9999 {
			t.Fatalf("%q accepted as %d-%d", s, y, m)
		}
		if _, _, err := ParseMonth(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")); err != nil {
			t.Fatalf("%q: round trip refused: %v", s, err)
		}
	})
}

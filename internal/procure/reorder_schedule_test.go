package procure_test

import (
	"testing"
	"time"
)

func TestScheduledReorderRunsOncePerPeriod(t *testing.T) {
	w := newWorld(t)
	now := reorderNow
	w.s.Now = func() time.Time { return now }
	w.item("ACME", "S", 1_000_000, 7, 1, 1, 1)
	w.sales("S", constant(10, 28))
	if _, ran, err := w.svc.RunScheduledReorder(w.ctx, 24*time.Hour); err != nil || !ran {
		t.Fatalf("first scheduled run: ran %v err %v", ran, err)
	}
	now = now.Add(2 * time.Hour) // a restart later the same day
	if _, ran, err := w.svc.RunScheduledReorder(w.ctx, 24*time.Hour); err != nil || ran {
		t.Fatalf("ran again after 2 hours (ran %v err %v)", ran, err)
	}
	now = now.Add(22 * time.Hour)
	res, ran, err := w.svc.RunScheduledReorder(w.ctx, 24*time.Hour)
	if err != nil || !ran || res.RunID == 0 {
		t.Fatalf("next day: ran %v err %v", ran, err)
	}
}

package procure_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store"
)

// A PO with no acknowledgement is chased at hour 25: the supplier gets a
// reminder and the buyer a notice, both through a real SMTP server; a
// second run does nothing; the escalation follows EscalateAfter later.
func TestUnacknowledgedPOChasedAtHour25(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.portal, 10)
	w.drain() // sent at flowStart, due flowStart + 24 h
	quiet := w.approved(w.portal, 11)
	w.drain()

	w.advance(24 * time.Hour) // hour 24: due, but within the grace hour
	res, err := w.dispatch.Chase(w.ctx)
	if err != nil || len(res.Chased) != 0 {
		t.Fatalf("hour 24: %+v %v", res, err)
	}
	// The other PO is acknowledged in time and must never be chased.
	if err := w.st.DB(w.ctx).Model(&store.PurchaseOrder{}).Where("id = ?", quiet.ID).
		Updates(map[string]any{"status": store.POStatusAcknowledged, "acknowledged_at": w.clock()}).Error; err != nil {
		t.Fatal(err)
	}
	w.advance(59 * time.Minute)
	if res, _ := w.dispatch.Chase(w.ctx); len(res.Chased) != 0 {
		t.Fatalf("hour 24:59: %+v", res)
	}
	w.advance(time.Minute) // hour 25
	res, err = w.dispatch.Chase(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Chased) != 1 || res.Chased[0] != po.Number {
		t.Fatalf("hour 25 chased %v, want [%s]", res.Chased, po.Number)
	}
	got := w.po(po.ID)
	if got.ChasedAt == nil || !got.ChasedAt.Equal(flowStart.Add(25*time.Hour)) {
		t.Fatalf("chased_at = %v", got.ChasedAt)
	}
	if n := w.drain(); n != 2 {
		t.Fatalf("chase mail jobs = %d, want 2 (supplier, buyer)", n)
	}
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	msgs, err := w.smtp.WaitFor(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	var toSupplier, toBuyer bool
	for _, m := range msgs {
		switch m.To[0] {
		case "orders@acme.test":
			toSupplier = strings.Contains(m.Subject, "Reminder") && strings.Contains(m.Subject, po.Number) &&
				strings.Contains(m.Text, "2026-03-03 09:00 UTC") && strings.Contains(m.Text, "https://pogate.test/supplier/purchase-orders/")
		case "buyer@northwind.test":
			toBuyer = strings.Contains(m.Subject, "ACME") && strings.Contains(m.Text, po.Number)
		}
	}
	if !toSupplier || !toBuyer {
		t.Fatalf("supplier reminder %v, buyer notice %v: %+v", toSupplier, toBuyer, msgs)
	}
	// Idempotent: running again (another replica, a retry) chases nobody.
	if res, _ := w.dispatch.Chase(w.ctx); len(res.Chased)+len(res.Escalated) != 0 {
		t.Fatalf("second run: %+v", res)
	}
	if n := w.drain(); n != 0 || w.auditCount(po.ID, "po.chased") != 1 {
		t.Fatalf("second run queued %d jobs", n)
	}
	// Escalation a day after the first chase.
	w.advance(23 * time.Hour)
	if res, _ := w.dispatch.Chase(w.ctx); len(res.Escalated) != 0 {
		t.Fatalf("early escalation: %+v", res)
	}
	w.advance(time.Hour)
	res, _ = w.dispatch.Chase(w.ctx)
	if len(res.Escalated) != 1 {
		t.Fatalf("escalation: %+v", res)
	}
	w.drain()
	msgs = w.smtp.Messages()
	if len(msgs) != 4 || !strings.Contains(msgs[2].Subject+msgs[3].Subject, "escalated") {
		t.Fatalf("after escalation %d mails", len(msgs))
	}
	if res, _ := w.dispatch.Chase(w.ctx); len(res.Chased)+len(res.Escalated) != 0 {
		t.Fatalf("after escalation: %+v", res)
	}
}

// The periodic job does the same when worked through the queue.
func TestChaseJobThroughQueue(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.emailSup, 10)
	w.drain()
	w.advance(25 * time.Hour)
	if err := w.st.InTx(w.ctx, func(tx *store.Tx) error { return w.queue.EnqueueTx(w.ctx, tx, chaseJob()) }); err != nil {
		t.Fatal(err)
	}
	if n := w.drain(); n != 3 { // the chase, then its two mails
		t.Fatalf("jobs = %d", n)
	}
	if got := w.po(po.ID); got.ChasedAt == nil {
		t.Fatal("not chased")
	}
	if n := len(w.smtp.Messages()); n != 3 { // the PO itself + reminder + buyer notice
		t.Fatalf("mails = %d", n)
	}
}

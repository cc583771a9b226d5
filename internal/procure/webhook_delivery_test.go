package procure_test

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// receiver is a webhook endpoint that checks signatures and can fail on purpose.
type receiver struct {
	mu       sync.Mutex
	secret   string
	failNext int
	got      []received
}

type received struct {
	event, delivery string
	body            map[string]any
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	want := procure.SignWebhook(r.secret, req.Header.Get("X-Pogate-Timestamp"), body)
	if !hmac.Equal([]byte(want), []byte(req.Header.Get("X-Pogate-Signature"))) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failNext > 0 {
		r.failNext--
		http.Error(w, "try later", http.StatusServiceUnavailable)
		return
	}
	var m map[string]any
	json.Unmarshal(body, &m)
	r.got = append(r.got, received{event: req.Header.Get("X-Pogate-Event"), delivery: req.Header.Get("X-Pogate-Delivery"), body: m})
	w.WriteHeader(http.StatusNoContent)
}

func TestWebhookFanOutSignRetry(t *testing.T) {
	w := newWorld(t)
	now := reorderNow
	w.s.Now = func() time.Time { return now }
	onlyApproved := &receiver{secret: "approved-secret-0123456789", failNext: 1}
	all := &receiver{secret: "all-events-secret-0123456789"}
	srvA, srvB := httptest.NewServer(onlyApproved), httptest.NewServer(all)
	defer srvA.Close()
	defer srvB.Close()
	if _, err := w.svc.CreateWebhookSubscription(w.ctx, w.admin, procure.WebhookSubscriptionInput{URL: srvA.URL, Secret: onlyApproved.secret, Events: []string{"po.approved"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreateWebhookSubscription(w.ctx, w.admin, procure.WebhookSubscriptionInput{URL: srvB.URL, Secret: all.secret, Events: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.CreateWebhookSubscription(w.ctx, w.admin, procure.WebhookSubscriptionInput{URL: "http://example.com/hook", Secret: all.secret, Events: []string{"*"}}); err == nil {
		t.Fatal("accepted a plain-http public URL")
	}
	w.save(func(tx *store.Tx) error {
		if err := tx.PublishEvent("po.approved", "purchase_order", 7, 0, map[string]any{"number": "PO-000007"}); err != nil {
			return err
		}
		return tx.PublishEvent("receipt.posted", "receipt", 3, 0, map[string]any{"po": "PO-000007", "units": 12})
	})
	d := &procure.Deliverer{Store: w.s, Feed: procure.OutboxFeed{Store: w.s}, MaxAttempts: 3}
	if n, err := d.FanOut(w.ctx); err != nil || n != 3 {
		t.Fatalf("fan-out: %d %v; want 3 deliveries (1 + 2)", n, err)
	}
	if n, err := d.FanOut(w.ctx); err != nil || n != 0 {
		t.Fatalf("second fan-out: %d %v; want 0", n, err)
	}
	rep, err := d.DeliverDue(w.ctx)
	if err != nil || rep.Delivered != 2 || rep.Retrying != 1 {
		t.Fatalf("first pass %+v %v", rep, err)
	}
	// Not due yet: nothing is sent again.
	if rep, _ := d.DeliverDue(w.ctx); rep != (procure.DeliveryReport{}) {
		t.Fatalf("sent before the backoff ran out: %+v", rep)
	}
	now = now.Add(31 * time.Second)
	if rep, err := d.DeliverDue(w.ctx); err != nil || rep.Delivered != 1 {
		t.Fatalf("retry %+v %v", rep, err)
	}
	if len(onlyApproved.got) != 1 || onlyApproved.got[0].event != "po.approved" || onlyApproved.got[0].body["data"].(map[string]any)["number"] != "PO-000007" {
		t.Fatalf("approved-only receiver got %+v", onlyApproved.got)
	}
	if len(all.got) != 2 || all.got[0].delivery == all.got[1].delivery {
		t.Fatalf("all-events receiver got %+v", all.got)
	}
	var rows []store.WebhookDelivery
	w.s.DB(w.ctx).Order("id").Find(&rows)
	for _, r := range rows {
		if r.Status != store.DeliveryDelivered || r.DeliveredAt == nil {
			t.Fatalf("delivery %+v not delivered", r)
		}
	}
}

func TestWebhookGivesUpAfterMaxAttempts(t *testing.T) {
	w := newWorld(t)
	now := reorderNow
	w.s.Now = func() time.Time { return now }
	down := &receiver{secret: "down-secret-0123456789", failNext: 100}
	srv := httptest.NewServer(down)
	defer srv.Close()
	if _, err := w.svc.CreateWebhookSubscription(w.ctx, w.admin, procure.WebhookSubscriptionInput{URL: srv.URL, Secret: down.secret, Events: []string{"po.acknowledged"}}); err != nil {
		t.Fatal(err)
	}
	w.save(func(tx *store.Tx) error {
		return tx.PublishEvent("po.acknowledged", "purchase_order", 1, 0, map[string]any{})
	})
	d := &procure.Deliverer{Store: w.s, Feed: procure.OutboxFeed{Store: w.s}, MaxAttempts: 3}
	if _, err := d.FanOut(w.ctx); err != nil {
		t.Fatal(err)
	}
	var last procure.DeliveryReport
	for i := 0; i < 3; i++ {
		var err error
		if last, err = d.DeliverDue(w.ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
	}
	var row store.WebhookDelivery
	w.s.DB(w.ctx).First(&row)
	if last.Failed != 1 || row.Status != store.DeliveryFailed || row.Attempts != 3 || row.LastStatus != 503 || row.LastError == "" {
		t.Fatalf("after 3 failures: %+v row %+v", last, row)
	}
}

package jobs_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/mail"
	"github.com/pogate/pogate/internal/mail/mailtest"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

type env struct {
	st       *store.Store
	svc      *procure.Service
	queue    *jobs.Queue
	smtp     *mailtest.Server
	supplier store.Supplier
	product  store.Product
	buyer    store.Actor
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st, where := storetest.OpenWithURL(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e := &env{st: st, svc: procure.New(st, log), smtp: mailtest.Start(t)}
	m, err := mail.New(mail.Options{Host: e.smtp.Host(), Port: e.smtp.Port(), From: "po@brand.test"}, log)
	if err != nil {
		t.Fatal(err)
	}
	e.svc.Mail = m
	opts := jobs.Options{Store: st, Log: log, PollInterval: 100 * time.Millisecond,
		Deps: jobs.Deps{Service: e.svc, Dispatch: &procure.Dispatch{Service: e.svc}}}
	if st.Dialect() == store.Postgres {
		opts.DatabaseURL = where
	} else {
		opts.SQLitePath = where
	}
	e.queue, err = jobs.New(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := e.queue.Stop(sctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	e.svc.Queue = e.queue
	sys := store.System("test")
	e.supplier = store.Supplier{Code: "MAILCO", Name: "Mail Co", Email: "sales@mailco.test", Currency: "USD", AckSLAHours: 24,
		BackorderPolicy: store.BackorderCancel, Channel: store.ChannelEmail}
	if err := st.CreateSupplier(ctx, sys, &e.supplier); err != nil {
		t.Fatal(err)
	}
	e.product = store.Product{SKU: "MUG-1", Name: "Mug", StockUnit: "EA", Active: true}
	if err := st.CreateProduct(ctx, sys, &e.product); err != nil {
		t.Fatal(err)
	}
	err = st.InTx(ctx, func(tx *store.Tx) error {
		return tx.UpsertCatalogItems([]store.CatalogItem{{SupplierID: e.supplier.ID, ProductID: e.product.ID, SupplierPart: "M1",
			UnitPriceMicros: 2_500_000, Currency: "USD", MOQ: 1, OrderMultiple: 1, PurchaseUnit: "EA", UnitsPerPurchaseUnit: 1,
			LeadTimeDays: 7, LastReviewedAt: time.Now()}})
	})
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{Email: "buyer@brand.test", Role: store.RoleBuyer, PasswordHash: "x"}
	if err := st.CreateUser(ctx, sys, &u); err != nil {
		t.Fatal(err)
	}
	e.buyer = store.Actor{Kind: store.ActorUser, ID: u.ID, Label: u.Email, Role: store.RoleBuyer, Channel: "api"}
	return e
}

// The real River client, started as `pogate serve` starts it, works the send
// job enqueued by an approval and the periodic chase (elected leader, run on
// start), on whichever database the test runs against.
func TestRiverWorksSendAndPeriodicChase(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// An older PO, already sent and a day overdue, for the periodic chase.
	overdue, err := e.svc.CreateDraft(ctx, e.buyer, procure.DraftPO{SupplierID: e.supplier.ID, Lines: []procure.DraftLine{{ProductID: e.product.ID, Quantity: 4}}})
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().UTC().Add(-48 * time.Hour)
	if err := e.st.DB(ctx).Model(&store.PurchaseOrder{}).Where("id = ?", overdue.ID).Updates(map[string]any{
		"status": store.POStatusSent, "sent_at": past, "ack_due_at": past.Add(24 * time.Hour)}).Error; err != nil {
		t.Fatal(err)
	}

	completed, cancelSub := e.queue.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancelSub()
	if err := e.queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	po, err := e.svc.CreateDraft(ctx, e.buyer, procure.DraftPO{SupplierID: e.supplier.ID, Lines: []procure.DraftLine{{ProductID: e.product.ID, Quantity: 40}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, dec, err := e.svc.Submit(ctx, e.buyer, po.ID); err != nil || !dec.Auto {
		t.Fatalf("submit: %v %+v", err, dec)
	}
	if _, err := e.queue.Drain(ctx); err == nil {
		t.Fatal("Drain must refuse while River works jobs")
	}
	want := map[string]int{"po.send": 1, "po.chase_acks": 1, "po.chase_mail": 2}
	got := map[string]int{}
	deadline := time.After(60 * time.Second)
	for !(got["po.send"] >= 1 && got["po.chase_acks"] >= 1 && got["po.chase_mail"] >= 2) {
		select {
		case ev := <-completed:
			if ev.Kind == river.EventKindJobFailed {
				t.Fatalf("job %s failed: %v", ev.Job.Kind, ev.Job.Errors)
			}
			got[ev.Job.Kind]++
		case <-deadline:
			t.Fatalf("jobs completed %v, want %v", got, want)
		}
	}
	sent, err := e.st.PO(ctx, po.ID, 0)
	if err != nil || sent.Status != store.POStatusSent {
		t.Fatalf("PO after River: %v %s", err, sent.Status)
	}
	chased, _ := e.st.PO(ctx, overdue.ID, 0)
	if chased.ChasedAt == nil {
		t.Fatal("the periodic chase did not flag the overdue PO")
	}
	mctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if msgs, err := e.smtp.WaitFor(mctx, 3); err != nil {
		t.Fatalf("mails: %v (%d)", err, len(msgs))
	}
}

// A job enqueued in a transaction that rolls back never runs.
func TestEnqueueRollsBackWithTransaction(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	err := e.st.InTx(ctx, func(tx *store.Tx) error {
		if err := e.queue.EnqueueTx(ctx, tx, procure.SendPOJob{POID: 12345}); err != nil {
			t.Fatal(err)
		}
		return context.Canceled
	})
	if err != context.Canceled {
		t.Fatal(err)
	}
	if n, err := e.queue.Drain(ctx); err != nil || n != 0 {
		t.Fatalf("drained %d after rollback: %v", n, err)
	}
	// Committed, the same insert is there; a second insert for the same PO
	// while the first waits is deduplicated.
	for range 2 {
		if err := e.st.InTx(ctx, func(tx *store.Tx) error { return e.queue.EnqueueTx(ctx, tx, procure.SendPOJob{POID: 12345}) }); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := e.queue.Drain(ctx); err != nil || n != 1 {
		t.Fatalf("drained %d: %v (a missing PO is a no-op send)", n, err)
	}
}

type unknownJob struct{}

func (unknownJob) Kind() string { return "nobody.handles.this" }

func TestEnqueueUnknownKindRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	err := e.st.InTx(ctx, func(tx *store.Tx) error { return e.queue.EnqueueTx(ctx, tx, unknownJob{}) })
	if err == nil {
		t.Fatal("a job without a worker must be refused at enqueue time")
	}
}

// A send that fails (the SMTP server answers 451) is visible on the PO and
// retried by River with backoff until it goes through.
func TestRiverRetriesAFailedSend(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	events, cancelSub := e.queue.Client().Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed)
	defer cancelSub()
	e.smtp.FailNext(1)
	if err := e.queue.Start(ctx); err != nil {
		t.Fatal(err)
	}
	po, err := e.svc.CreateDraft(ctx, e.buyer, procure.DraftPO{SupplierID: e.supplier.ID, Lines: []procure.DraftLine{{ProductID: e.product.ID, Quantity: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Submit(ctx, e.buyer, po.ID); err != nil {
		t.Fatal(err)
	}
	var failed, completed bool
	deadline := time.After(60 * time.Second)
	for !completed {
		select {
		case ev := <-events:
			if ev.Job.Kind != "po.send" {
				continue
			}
			switch ev.Kind {
			case river.EventKindJobFailed:
				failed = true
				wf, err := e.st.POWorkflowOf(ctx, po.ID, 0)
				if err != nil || wf.LastDispatchError == "" || wf.DispatchAttempts != 1 {
					t.Fatalf("after the failed attempt: %+v %v", wf, err)
				}
				if len(ev.Job.Errors) != 1 || ev.Job.State == "discarded" {
					t.Fatalf("failed send: state %s errors %v; River must keep it for a retry", ev.Job.State, ev.Job.Errors)
				}
			case river.EventKindJobCompleted:
				completed = true
			}
		case <-deadline:
			t.Fatalf("send not retried (failed=%v)", failed)
		}
	}
	if !failed {
		t.Fatal("the first attempt should have failed")
	}
	got, _ := e.st.PO(ctx, po.ID, 0)
	wf, _ := e.st.POWorkflowOf(ctx, po.ID, 0)
	if got.Status != store.POStatusSent || wf.DispatchAttempts != 2 || wf.LastDispatchError != "" || len(e.smtp.Messages()) != 1 {
		t.Fatalf("after retry: %s %+v mails=%d", got.Status, wf, len(e.smtp.Messages()))
	}
}

package procure_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/mail"
	"github.com/pogate/pogate/internal/mail/mailtest"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// flowWorld is a brand with a portal, an EDI and an e-mail supplier, users
// for each role, a real River queue, a real SMTP server and a movable clock.
type flowWorld struct {
	t        testing.TB
	ctx      context.Context
	st       *store.Store
	svc      *procure.Service
	dispatch *procure.Dispatch
	queue    *jobs.Queue
	smtp     *mailtest.Server
	outbox   string

	mu  sync.Mutex
	now time.Time

	buyer, buyer2, approver, admin store.Actor
	portal, ediSup, emailSup       store.Supplier
	products                       []store.Product
}

var flowStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newFlowWorld(t testing.TB) *flowWorld {
	t.Helper()
	st, where := storetest.OpenWithURL(t)
	w := &flowWorld{t: t, ctx: context.Background(), st: st, now: flowStart, outbox: filepath.Join(t.TempDir(), "edi-out")}
	st.Now = w.clock
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w.svc = procure.New(st, log)
	w.smtp = mailtest.Start(t)
	m, err := mail.New(mail.Options{Host: w.smtp.Host(), Port: w.smtp.Port(), From: "buying@northwind.test", Timeout: 10 * time.Second}, log)
	if err != nil {
		t.Fatal(err)
	}
	w.svc.Mail = m
	w.dispatch = &procure.Dispatch{Service: w.svc, EDI: procure.OutboxEDI850{Dir: w.outbox}, BaseURL: "https://pogate.test"}
	opts := jobs.Options{Store: st, Log: log, Deps: jobs.Deps{Service: w.svc, Dispatch: w.dispatch, Log: log}, PollInterval: 50 * time.Millisecond}
	if st.Dialect() == store.Postgres {
		opts.DatabaseURL = where
	} else {
		opts.SQLitePath = where
	}
	w.queue, err = jobs.New(w.ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		w.queue.Stop(ctx)
	})
	w.svc.Queue = w.queue
	w.seed()
	return w
}

func (w *flowWorld) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

// advance moves the store clock; tests never sleep.
func (w *flowWorld) advance(d time.Duration) {
	w.mu.Lock()
	w.now = w.now.Add(d)
	w.mu.Unlock()
}

func (w *flowWorld) seed() {
	t, ctx, st := w.t, w.ctx, w.st
	sys := store.System("test")
	b := store.DefaultBrand()
	b.Name = "Northwind Goods"
	if err := st.SaveBrand(ctx, sys, b); err != nil {
		t.Fatal(err)
	}
	sups := []*store.Supplier{
		{Code: "ACME", Name: "Acme Housewares", Email: "orders@acme.test", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal},
		{Code: "EDIWORKS", Name: "EDI Works", Email: "edi@ediworks.test", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelEDI},
		{Code: "MAILCO", Name: "Mail Order Supplies", ContactName: "Cara Diaz", Email: "sales@mailco.test", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCancel, Channel: store.ChannelEmail},
	}
	for _, s := range sups {
		if err := st.CreateSupplier(ctx, sys, s); err != nil {
			t.Fatal(err)
		}
	}
	w.portal, w.ediSup, w.emailSup = *sups[0], *sups[1], *sups[2]
	if err := st.CreateEDIPartner(ctx, sys, &store.EDIPartner{SupplierID: w.ediSup.ID, Name: "EDI Works", ISAQualifier: "ZZ", ISAID: "EDIWORKS", GSID: "EDIWORKS",
		OurISAQualifier: "ZZ", OurISAID: "NORTHWIND", OurGSID: "NORTHWIND", Version: "00401", ElementSep: "*", ComponentSep: ">", RepetitionSep: "U", SegmentTerm: "~"}); err != nil {
		t.Fatal(err)
	}
	for i, cat := range []string{"Mugs", "Lamps"} {
		p := store.Product{SKU: []string{"MUG-1", "LAMP-1"}[i], Name: []string{"Blue mug", "Desk lamp"}[i], Category: cat, StockUnit: "EA", Active: true}
		if err := st.CreateProduct(ctx, sys, &p); err != nil {
			t.Fatal(err)
		}
		w.products = append(w.products, p)
	}
	err := st.InTx(ctx, func(tx *store.Tx) error {
		var items []store.CatalogItem
		for _, s := range sups {
			for i, p := range w.products {
				items = append(items, store.CatalogItem{SupplierID: s.ID, ProductID: p.ID, SupplierPart: s.Code + "-" + p.SKU,
					UnitPriceMicros: int64(10_000_000 * (i + 1)), Currency: "USD", MOQ: 1, OrderMultiple: 1, PurchaseUnit: "EA",
					UnitsPerPurchaseUnit: 1, LeadTimeDays: 14, LastReviewedAt: flowStart})
			}
		}
		return tx.UpsertCatalogItems(items)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		dst   *store.Actor
		email string
		role  store.Role
	}{{&w.buyer, "buyer@northwind.test", store.RoleBuyer}, {&w.buyer2, "buyer2@northwind.test", store.RoleBuyer},
		{&w.approver, "approver@northwind.test", store.RoleApprover}, {&w.admin, "admin@northwind.test", store.RoleAdmin}} {
		usr := store.User{Email: u.email, Name: u.email, Role: u.role, PasswordHash: "x"}
		if err := st.CreateUser(ctx, sys, &usr); err != nil {
			t.Fatal(err)
		}
		*u.dst = store.Actor{Kind: store.ActorUser, ID: usr.ID, Label: u.email, Role: u.role, Channel: "api"}
	}
}

// draft creates a draft for sup: qty mugs at 10.00 USD each.
func (w *flowWorld) draft(by store.Actor, sup store.Supplier, mugs int64) store.PurchaseOrder {
	w.t.Helper()
	po, err := w.svc.CreateDraft(w.ctx, by, procure.DraftPO{SupplierID: sup.ID, Lines: []procure.DraftLine{{ProductID: w.products[0].ID, Quantity: mugs}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return po
}

// drain works every queued job now and returns how many ran.
func (w *flowWorld) drain() int {
	w.t.Helper()
	n, err := w.queue.Drain(w.ctx)
	if err != nil {
		w.t.Fatalf("drain: %v", err)
	}
	return n
}

func (w *flowWorld) po(id int64) store.PurchaseOrder {
	w.t.Helper()
	po, err := w.st.PO(w.ctx, id, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	return po
}

func (w *flowWorld) auditCount(poID int64, action string) int64 {
	w.t.Helper()
	var n int64
	if err := w.st.DB(w.ctx).Model(&store.AuditEvent{}).Where("entity = 'purchase_order' AND entity_id = ? AND action = ?", poID, action).Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *flowWorld) events(topic string) []store.OutboxEvent {
	w.t.Helper()
	var evs []store.OutboxEvent
	if err := w.st.DB(w.ctx).Where("topic = ?", topic).Order("id").Find(&evs).Error; err != nil {
		w.t.Fatal(err)
	}
	return evs
}

func chaseJob() procure.ChaseAcksJob { return procure.ChaseAcksJob{} }

package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/internal/jobs"
	"github.com/pogate/pogate/internal/mail"
	"github.com/pogate/pogate/internal/mail/mailtest"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// flowAPI is the demo brand behind the real HTTP handler, with a River
// queue, a real SMTP server and a movable clock.
type flowAPI struct {
	t      *testing.T
	st     *store.Store
	srv    *Server
	queue  *jobs.Queue
	smtp   *mailtest.Server
	tokens map[string]string
	now    time.Time
}

func newFlowAPI(t *testing.T) *flowAPI {
	t.Helper()
	ctx := context.Background()
	st, where := storetest.OpenWithURL(t)
	f := &flowAPI{t: t, st: st, tokens: map[string]string{}, now: time.Date(2026, 4, 6, 8, 0, 0, 0, time.UTC)}
	log := slog.New(slog.NewTextHandler(testLogWriter(), nil))
	svc := procure.New(st, log)
	if _, logins, err := demo.Seed(ctx, st, svc); err != nil {
		t.Fatal(err)
	} else {
		for _, l := range logins {
			if l.Token != "" {
				f.tokens["buyer"] = l.Token
			}
		}
	}
	st.Now = func() time.Time { return f.now }
	f.smtp = mailtest.Start(t)
	m, err := mail.New(mail.Options{Host: f.smtp.Host(), Port: f.smtp.Port(), From: "buying@northwind.test"}, log)
	if err != nil {
		t.Fatal(err)
	}
	svc.Mail = m
	opts := jobs.Options{Store: st, Log: log, Deps: jobs.Deps{Service: svc, Log: log,
		Dispatch: &procure.Dispatch{Service: svc, EDI: procure.OutboxEDI850{Dir: t.TempDir()}, BaseURL: "https://pogate.test"}}}
	if st.Dialect() == store.Postgres {
		opts.DatabaseURL = where
	} else {
		opts.SQLitePath = where
	}
	if f.queue, err = jobs.New(ctx, opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.queue.Stop(context.Background()) })
	svc.Queue = f.queue
	cfg := config.Defaults()
	if f.srv, err = New(Deps{Config: cfg, Store: st, Procure: svc, Log: log}); err != nil {
		t.Fatal(err)
	}
	sys := store.System("test")
	mk := func(name string, role store.Role, supplierID *int64) {
		secret, hash, prefix := auth.NewToken()
		if err := st.CreateToken(ctx, sys, &store.APIToken{Name: name, Role: role, SupplierID: supplierID, TokenHash: hash, Prefix: prefix}); err != nil {
			t.Fatal(err)
		}
		f.tokens[name] = secret
	}
	mk("approver", store.RoleApprover, nil)
	for _, code := range []string{"ACME", "MAILCO"} {
		sp, err := st.SupplierByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		id := sp.ID
		mk("supplier:"+code, store.RoleSupplier, &id)
	}
	return f
}

// call sends a JSON request and decodes the answer into out (when given).
func (f *flowAPI) call(token, method, path, body string, wantStatus int, out any) string {
	f.t.Helper()
	var rd *strings.Reader
	if body != "" {
		rd = strings.NewReader(body)
	} else {
		rd = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+f.tokens[token])
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.srv.Handler().ServeHTTP(rec, req)
	if rec.Code != wantStatus {
		f.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, token, rec.Code, wantStatus, rec.Body.String())
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			f.t.Fatalf("%s %s: %v: %s", method, path, err, rec.Body.String())
		}
	}
	return rec.Body.String()
}

func (f *flowAPI) drain() int {
	f.t.Helper()
	n, err := f.queue.Drain(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

// skuOf returns a SKU the supplier sells.
func (f *flowAPI) skuOf(code string) string {
	f.t.Helper()
	var sku string
	err := f.st.DB(context.Background()).Raw(`SELECT p.sku FROM products p JOIN catalog_items c ON c.product_id = p.id
		JOIN suppliers s ON s.id = c.supplier_id WHERE s.code = ? ORDER BY p.sku LIMIT 1`, code).Scan(&sku).Error
	if err != nil || sku == "" {
		f.t.Fatalf("no SKU for %s: %v", code, err)
	}
	return sku
}

// The demo brand through the API: two drafts, one within the 2,000.00
// threshold (auto-approved and e-mailed with its PDF), one above it (waits
// for the approver, then is sent); the supplier acknowledges with a change
// the buyer accepts; an unacknowledged PO is chased at hour 25.
func TestAPIApprovalDispatchAcknowledgeFlow(t *testing.T) {
	f := newFlowAPI(t)
	mail, acme := f.skuOf("MAILCO"), f.skuOf("ACME")
	type po struct {
		ID     int64  `json:"id"`
		Number string `json:"number"`
		Status string `json:"status"`
		Total  string `json:"total"`
		Rule   string `json:"approval_rule"`
		Lines  []struct {
			LineNo    int    `json:"line_no"`
			Quantity  int64  `json:"quantity"`
			AckStatus string `json:"ack_status"`
		} `json:"lines"`
	}
	var small, big po
	var mailco, acmeSup store.Supplier
	mailco, _ = f.st.SupplierByCode(context.Background(), "MAILCO")
	acmeSup, _ = f.st.SupplierByCode(context.Background(), "ACME")
	f.call("buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":%q,"quantity":2}]}`, mailco.ID, mail), http.StatusCreated, &small)
	f.call("buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":%q,"quantity":20000}]}`, acmeSup.ID, acme), http.StatusCreated, &big)

	var sub struct {
		PurchaseOrder po `json:"purchase_order"`
		Decision      struct {
			Auto      bool   `json:"auto"`
			Rule      string `json:"rule"`
			Threshold string `json:"threshold"`
		} `json:"decision"`
	}
	f.call("buyer", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", small.ID), "", http.StatusOK, &sub)
	if !sub.Decision.Auto || sub.PurchaseOrder.Status != store.POStatusApproved || sub.Decision.Threshold != "2000.00" {
		t.Fatalf("small PO: %+v", sub)
	}
	f.call("buyer", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/submit", big.ID), "", http.StatusOK, &sub)
	if sub.Decision.Auto || sub.PurchaseOrder.Status != store.POStatusPendingApproval || sub.PurchaseOrder.Rule != "route:brand_threshold" {
		t.Fatalf("big PO: %+v", sub)
	}
	if n := f.drain(); n != 2 {
		t.Fatalf("jobs after submits = %d, want the small PO's send and the big one's approval mail", n)
	}
	var got po
	f.call("buyer", "GET", fmt.Sprintf("/api/v1/purchase-orders/%d", small.ID), "", http.StatusOK, &got)
	if got.Status != store.POStatusSent {
		t.Fatalf("small PO status %s", got.Status)
	}
	var poMail, approvalMail bool
	for _, m := range f.smtp.Messages() {
		poMail = poMail || (m.To[0] == "sales@mailco.example" && len(m.Attachments) == 1 && strings.Contains(m.Subject, small.Number))
		approvalMail = approvalMail || (m.To[0] == "approver@demo.pogate" && strings.Contains(m.Subject, "Approval needed: "+big.Number))
	}
	if !poMail || !approvalMail || len(f.smtp.Messages()) != 2 {
		t.Fatalf("PO e-mail %v, approval e-mail %v: %+v", poMail, approvalMail, f.smtp.Messages())
	}
	// A buyer token may not approve; a supplier cannot see the PO at all.
	f.call("buyer", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/approve", big.ID), `{}`, http.StatusForbidden, nil)
	f.call("supplier:MAILCO", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/acknowledge", big.ID), `{}`, http.StatusNotFound, nil)
	f.call("approver", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/approve", big.ID), `{"note":"seasonal stock"}`, http.StatusOK, &got)
	if got.Status != store.POStatusApproved || got.Rule != "approver:brand_threshold" {
		t.Fatalf("approved: %+v", got)
	}
	if n := f.drain(); n != 1 {
		t.Fatalf("jobs after approval = %d", n)
	}
	f.call("supplier:ACME", "GET", fmt.Sprintf("/api/v1/purchase-orders/%d", big.ID), "", http.StatusOK, &got)
	if got.Status != store.POStatusSent {
		t.Fatalf("the portal supplier sees %s", got.Status)
	}
	var disp struct {
		Attempts int `json:"attempts"`
		History  []struct {
			Outcome string `json:"outcome"`
		} `json:"history"`
	}
	f.call("buyer", "GET", fmt.Sprintf("/api/v1/purchase-orders/%d/dispatches", big.ID), "", http.StatusOK, &disp)
	if disp.Attempts != 1 || len(disp.History) != 1 || disp.History[0].Outcome != "sent" {
		t.Fatalf("dispatches %+v", disp)
	}

	// ACME acknowledges the big PO with a smaller quantity; the buyer accepts.
	var ack struct {
		PurchaseOrder po `json:"purchase_order"`
		Changes       []struct {
			ID   int64  `json:"id"`
			Kind string `json:"kind"`
		} `json:"changes"`
	}
	f.call("supplier:ACME", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/acknowledge", big.ID),
		`{"reference":"portal-1","lines":[{"line_no":1,"outcome":"quantity_changed","quantity":18000,"note":"capacity"}]}`, http.StatusOK, &ack)
	if ack.PurchaseOrder.Status != store.POStatusAcknowledged || len(ack.Changes) != 1 || ack.Changes[0].Kind != "quantity_changed" {
		t.Fatalf("ack: %+v", ack)
	}
	f.call("supplier:ACME", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/changes/%d/accept", big.ID, ack.Changes[0].ID), `{}`, http.StatusForbidden, nil)
	var resolved struct {
		PurchaseOrder po `json:"purchase_order"`
	}
	f.call("buyer", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/changes/%d/accept", big.ID, ack.Changes[0].ID), `{}`, http.StatusOK, &resolved)
	if resolved.PurchaseOrder.Lines[0].Quantity != 18000 || resolved.PurchaseOrder.Lines[0].AckStatus != "accepted" {
		t.Fatalf("after accept: %+v", resolved.PurchaseOrder)
	}

	// MAILCO never acknowledges the small PO: at hour 25 it is chased.
	f.now = f.now.Add(48 * time.Hour) // MAILCO's SLA is 48 h in the demo
	f.call("approver", "POST", "/api/v1/purchase-orders/"+fmt.Sprint(small.ID)+"/reject", `{"reason":"x"}`, http.StatusConflict, nil)
	if err := f.st.InTx(context.Background(), func(tx *store.Tx) error {
		return f.queue.EnqueueTx(context.Background(), tx, procure.ChaseAcksJob{})
	}); err != nil {
		t.Fatal(err)
	}
	if n := f.drain(); n != 1 {
		t.Fatalf("within the grace hour %d jobs", n)
	}
	f.now = f.now.Add(time.Hour)
	if err := f.st.InTx(context.Background(), func(tx *store.Tx) error {
		return f.queue.EnqueueTx(context.Background(), tx, procure.ChaseAcksJob{})
	}); err != nil {
		t.Fatal(err)
	}
	if n := f.drain(); n != 3 {
		t.Fatalf("chase jobs = %d, want the chase and its two mails", n)
	}
	var reminder bool
	for _, m := range f.smtp.Messages() {
		reminder = reminder || (m.To[0] == "sales@mailco.example" && strings.Contains(m.Subject, "Reminder") && strings.Contains(m.Subject, small.Number))
	}
	if !reminder {
		t.Fatal("the reminder did not reach the supplier")
	}
}

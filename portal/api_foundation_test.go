package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// apiHarness is a real server on a real database with a token per role.
type apiHarness struct {
	t      *testing.T
	s      *store.Store
	srv    *Server
	tokens map[string]string // "buyer", "approver", "supplier:ACME", ...
	sup    map[string]store.Supplier
}

func newAPIHarness(t *testing.T) *apiHarness {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t)
	cfg := config.Defaults()
	cfg.MaxUploadBytes = 1 << 20
	log := slog.New(slog.NewTextHandler(testLogWriter(), nil))
	srv, err := New(Deps{Config: cfg, Store: s, Procure: procure.New(s, log), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	h := &apiHarness{t: t, s: s, srv: srv, tokens: map[string]string{}, sup: map[string]store.Supplier{}}
	sys := store.System("test")
	for _, code := range []string{"ACME", "GLOBEX"} {
		sp := store.Supplier{Code: code, Name: code + " Ltd", Currency: "USD", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelPortal}
		if err := s.CreateSupplier(ctx, sys, &sp); err != nil {
			t.Fatal(err)
		}
		h.sup[code] = sp
	}
	// One stock location, as every deployment has; tests that need others add them.
	if err := s.CreateLocation(ctx, sys, &store.Location{Code: "MAIN", Name: "Main warehouse"}); err != nil {
		t.Fatal(err)
	}
	for _, sku := range []string{"SKU-1", "SKU-2"} {
		if err := s.CreateProduct(ctx, sys, &store.Product{SKU: sku, Name: "Product " + sku}); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(name string, role store.Role, supplierID *int64) {
		secret, hash, prefix := auth.NewToken()
		if err := s.CreateToken(ctx, sys, &store.APIToken{Name: name, Role: role, SupplierID: supplierID, TokenHash: hash, Prefix: prefix}); err != nil {
			t.Fatal(err)
		}
		h.tokens[name] = secret
	}
	for _, r := range []store.Role{store.RoleBuyer, store.RoleApprover, store.RoleWarehouse, store.RoleAP, store.RoleAdmin} {
		mk(string(r), r, nil)
	}
	for code, sp := range h.sup {
		id := sp.ID
		mk("supplier:"+code, store.RoleSupplier, &id)
	}
	return h
}

type apiResp struct {
	status int
	body   string
	header http.Header
}

func (h *apiHarness) do(token, method, path, contentType string, body io.Reader, hdr ...string) apiResp {
	h.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if token != "" {
		secret, ok := h.tokens[token]
		if !ok {
			secret = "pgt_not-a-real-token-" + token
		}
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.srv.Handler().ServeHTTP(rec, req)
	return apiResp{status: rec.Code, body: rec.Body.String(), header: rec.Header()}
}

func (h *apiHarness) json(token, method, path, body string, hdr ...string) apiResp {
	h.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	return h.do(token, method, path, "application/json", r, hdr...)
}

const apiCatalogCSV = "supplier_code,sku,supplier_part,unit_price,lead_time_days,moq\nACME,SKU-1,A-1,2.50,14,1\nACME,SKU-2,A-2,0.333,7,1\nGLOBEX,SKU-1,G-1,3.00,10,1\n"

// Scenario table: request, status, must contain, must not contain.
func TestAPIScenarios(t *testing.T) {
	h := newAPIHarness(t)
	if r := h.do("buyer", "POST", "/api/v1/catalog-items/import?filename=c.csv", "text/csv", strings.NewReader(apiCatalogCSV)); r.status != 200 || !strings.Contains(r.body, `"applied":3`) {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	acme, globex := h.sup["ACME"].ID, h.sup["GLOBEX"].ID
	create := fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":10},{"sku":"SKU-2","quantity":3}]}`, acme)
	r := h.json("buyer", "POST", "/api/v1/purchase-orders", create)
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var po poJSON
	json.Unmarshal([]byte(r.body), &po)
	if po.Total != "26.00" || po.Status != "draft" || len(po.Lines) != 2 || po.Lines[1].Amount != "1.00" {
		t.Fatalf("po = %+v", po)
	}
	poPath := fmt.Sprintf("/api/v1/purchase-orders/%d", po.ID)
	cases := []struct {
		name, token, method, path, body string
		status                          int
		contains, notContains           string
	}{
		{"no token", "", "GET", "/api/v1/purchase-orders", "", 401, "Authorization: Bearer", ""},
		{"bad token", "nope", "GET", "/api/v1/purchase-orders", "", 401, "unknown or revoked", ""},
		{"buyer lists POs", "buyer", "GET", "/api/v1/purchase-orders?status=draft&per_page=10", "", 200, po.Number, ""},
		{"search by number", "buyer", "GET", "/api/v1/purchase-orders?q=" + po.Number[:5], "", 200, po.Number, ""},
		{"bad sort", "buyer", "GET", "/api/v1/purchase-orders?sort=drop", "", 400, "sort", ""},
		{"bad per_page", "buyer", "GET", "/api/v1/purchase-orders?per_page=1000", "", 400, "per_page", ""},
		{"own supplier sees PO", "supplier:ACME", "GET", poPath, "", 200, po.Number, ""},
		{"other supplier gets 404", "supplier:GLOBEX", "GET", poPath, "", 404, "not found", po.Number},
		{"other supplier list empty", "supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/purchase-orders?supplier_id=%d", acme), "", 200, `"total":0`, po.Number},
		{"missing PO same 404", "supplier:GLOBEX", "GET", "/api/v1/purchase-orders/999999", "", 404, "not found", ""},
		{"non-numeric id is 404", "buyer", "GET", "/api/v1/purchase-orders/abc", "", 404, "not found", ""},
		{"supplier cannot create PO", "supplier:ACME", "POST", "/api/v1/purchase-orders", create, 403, "forbidden", ""},
		{"supplier cannot list products", "supplier:ACME", "GET", "/api/v1/products", "", 403, "forbidden", "SKU-1"},
		{"supplier sees only itself", "supplier:ACME", "GET", "/api/v1/suppliers", "", 200, "ACME", "GLOBEX"},
		{"supplier cannot read other supplier", "supplier:ACME", "GET", fmt.Sprintf("/api/v1/suppliers/%d", globex), "", 404, "not found", "GLOBEX"},
		{"supplier catalog scoped", "supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/catalog-items?supplier_id=%d", acme), "", 200, "G-1", "A-1"},
		{"openapi rejects quantity 0", "buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":0}]}`, acme), 400, "quantity", ""},
		{"unknown field refused", "buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":1}],"colour":"red"}`, acme), 400, "colour", ""},
		{"bad JSON", "buyer", "POST", "/api/v1/purchase-orders", `{"supplier_id":`, 400, "invalid", ""},
		{"unknown SKU", "buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"NOPE","quantity":1}]}`, acme), 400, `unknown SKU`, ""},
		{"update draft", "buyer", "PUT", poPath, fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":4}]}`, acme), 200, `"total":"10.00"`, ""},
		{"cancel needs reason", "buyer", "POST", poPath + "/cancel", `{"reason":""}`, 400, "reason", ""},
		{"audit trail", "buyer", "GET", fmt.Sprintf("/api/v1/audit-events?entity=purchase_order&entity_id=%d", po.ID), "", 200, "po.updated", ""},
		{"audit total counts every event, not the page", "buyer", "GET", fmt.Sprintf("/api/v1/audit-events?entity=purchase_order&entity_id=%d&per_page=1", po.ID), "", 200, `"total":2`, ""},
		{"supplier audit scoped", "supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/audit-events?entity=purchase_order&entity_id=%d", po.ID), "", 200, `"items":[]`, "po.created"},
		{"create supplier", "buyer", "POST", "/api/v1/suppliers", `{"code":"INITECH","name":"Initech","currency":"EUR","approval_threshold":"1500.50"}`, 201, `"approval_threshold":"1500.50"`, ""},
		{"duplicate supplier", "buyer", "POST", "/api/v1/suppliers", `{"code":"ACME","name":"Again","currency":"USD"}`, 400, "already used", ""},
		{"bad GTIN", "buyer", "POST", "/api/v1/products", `{"sku":"X-1","name":"X","gtin":"12345"}`, 400, "GTIN", ""},
		{"openapi served", "", "GET", "/api/openapi.json", "", 200, `"openapi":"3.0.3"`, ""},
		{"unknown route", "buyer", "GET", "/api/v1/nothing-here", "", 404, "not_found", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.json(tc.token, tc.method, tc.path, tc.body)
			if r.status != tc.status || !strings.Contains(r.body, tc.contains) || (tc.notContains != "" && strings.Contains(r.body, tc.notContains)) {
				t.Fatalf("%s %s: %d %s (want %d containing %q, not %q)", tc.method, tc.path, r.status, r.body, tc.status, tc.contains, tc.notContains)
			}
		})
	}
}

func TestAPIIdempotencyKeyReplaysFirstAnswer(t *testing.T) {
	h := newAPIHarness(t)
	h.do("buyer", "POST", "/api/v1/catalog-items/import", "text/csv", strings.NewReader(apiCatalogCSV))
	body := fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":10}]}`, h.sup["ACME"].ID)
	var wg sync.WaitGroup
	results := make([]apiResp, 6)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = h.json("buyer", "POST", "/api/v1/purchase-orders", body, "Idempotency-Key", "order-42")
		}(i)
	}
	wg.Wait()
	created := 0
	for _, r := range results {
		switch r.status {
		case 201:
			created++
		case 409: // the same request still in flight: the client retries
		default:
			t.Fatalf("unexpected %d %s", r.status, r.body)
		}
	}
	if created == 0 {
		t.Fatal("no request succeeded")
	}
	again := h.json("buyer", "POST", "/api/v1/purchase-orders", body, "Idempotency-Key", "order-42")
	if again.status != 201 || again.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %v", again.status, again.header)
	}
	_, total, _ := h.s.POs(context.Background(), store.POFilter{}, store.Page{})
	if total != 1 {
		t.Fatalf("%d POs created under one Idempotency-Key", total)
	}
	other := h.json("buyer", "POST", "/api/v1/purchase-orders", strings.Replace(body, "10", "11", 1), "Idempotency-Key", "order-42")
	if other.status != 409 || !strings.Contains(other.body, "different request") {
		t.Fatalf("key reuse with another body: %d %s", other.status, other.body)
	}
}

func TestAPICatalogImportReportsRowErrors(t *testing.T) {
	h := newAPIHarness(t)
	bad := "supplier_code,sku,supplier_part,unit_price,lead_time_days,moq\nACME,SKU-1,A-1,2.50,14,1\nACME,SKU-2,A-2,two,7,-1\n"
	r := h.do("buyer", "POST", "/api/v1/catalog-items/import", "text/csv", strings.NewReader(bad))
	if r.status != 400 || !strings.Contains(r.body, `"row":3`) || !strings.Contains(r.body, `"column":"unit_price"`) || !strings.Contains(r.body, `"column":"moq"`) {
		t.Fatalf("import errors: %d %s", r.status, r.body)
	}
	if n, _ := h.s.CountCatalogItems(context.Background()); n != 0 {
		t.Fatalf("%d items applied from a bad file", n)
	}
	// Multipart upload of the same content with partial=true applies the good row.
	var buf bytes.Buffer
	mw := newMultipart(&buf, "file", "cat.csv", bad)
	r = h.do("buyer", "POST", "/api/v1/catalog-items/import?partial=true", mw, &buf)
	if r.status != 200 || !strings.Contains(r.body, `"applied":1`) {
		t.Fatalf("partial: %d %s", r.status, r.body)
	}
}

func TestAPIBodyLimit(t *testing.T) {
	h := newAPIHarness(t)
	big := strings.NewReader(strings.Repeat("x", 2<<20))
	r := h.do("buyer", "POST", "/api/v1/catalog-items/import", "text/csv", big)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "limit") {
		t.Fatalf("oversized: %d %s", r.status, r.body)
	}
}

func TestHealthz(t *testing.T) {
	h := newAPIHarness(t)
	r := h.do("", "GET", "/healthz", "", nil)
	if r.status != 200 || !strings.Contains(r.body, `"status":"ok"`) {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
	m := h.do("", "GET", "/metrics", "", nil)
	if m.status != 200 || !strings.Contains(m.body, "pogate_http_request_duration_seconds") {
		t.Fatalf("metrics: %d", m.status)
	}
}

// Every id filter of the list endpoints refuses a value that is not a
// positive number, naming the parameter, instead of listing nothing (the
// OpenAPI validation answers first; queryID holds the same rule for a
// route whose document would lose it).
func TestAPIListIDFiltersRefuseBadValues(t *testing.T) {
	h := newAPIHarness(t)
	for _, path := range []string{
		"/api/v1/purchase-orders?supplier_id=abc", "/api/v1/invoices?po_id=0", "/api/v1/invoices?supplier_id=-3",
		"/api/v1/asns?po_id=x", "/api/v1/receipts?asn_id=1.5", "/api/v1/catalog-items?product_id=abc", "/api/v1/stock-levels?product_id=0",
	} {
		r := h.json("admin", "GET", path, "")
		param := path[strings.Index(path, "?")+1 : strings.Index(path, "=")]
		if r.status != 400 || !strings.Contains(r.body, `"invalid"`) || !strings.Contains(r.body, param) {
			t.Errorf("GET %s: %d %s (want 400 naming %s)", path, r.status, r.body, param)
		}
	}
}

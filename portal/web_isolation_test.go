package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// missingID is an id no row has.
const missingID = 987654321

// isolationWorld has two suppliers with records of every kind: the acting
// supplier A (ACME) and the other supplier B (EDIWORKS), whose ids A tries.
type isolationWorld struct {
	*webEnv
	a, b     store.Supplier
	aPO, bPO store.PurchaseOrder
	// ids maps a route parameter name to B's record of that kind.
	bIDs map[string]int64
	// aIDs maps a route parameter name to A's own record of that kind.
	aIDs map[string]int64
	// markers are strings only B's data contains.
	markers []string
	// aToken is an API token of supplier A.
	aToken string
	// shared are ids of records every supplier may see (products).
	shared map[string]int64
	// anon carries no session (API calls).
	anon *client
}

func newIsolationWorld(t *testing.T) *isolationWorld {
	e := newWebEnv(t)
	ctx := context.Background()
	w := &isolationWorld{webEnv: e, a: e.sup["ACME"], b: e.sup["EDIWORKS"]}
	w.aPO, w.bPO = e.poOf("ACME"), e.poOf("EDIWORKS")
	// Both POs out with their suppliers, so every supplier action is
	// possible on them: a refusal can only come from scoping.
	e.setPOStatus(w.aPO.ID, store.POStatusApproved, store.POStatusSent)
	e.setPOStatus(w.bPO.ID, store.POStatusApproved, store.POStatusSent)
	bActor := store.Actor{Kind: store.ActorUser, ID: 1, Label: "b", Role: store.RoleSupplier, SupplierID: w.b.ID, Channel: "portal"}
	bASN, err := e.svc.SubmitASN(ctx, bActor, procure.ASNInput{POID: w.bPO.ID, ShipmentID: "B-SHIP-1",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{POLineID: w.bPO.Lines[0].ID}, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	aActor := bActor
	aActor.SupplierID = w.a.ID
	aASN, err := e.svc.SubmitASN(ctx, aActor, procure.ASNInput{POID: w.aPO.ID, ShipmentID: "A-SHIP-1",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{POLineID: w.aPO.Lines[0].ID}, Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	// A pending line change, an invoice and an EDI file of each supplier.
	mkChange := func(actor store.Actor, po store.PurchaseOrder) int64 {
		res, err := e.svc.Acknowledge(ctx, actor, procure.Ack{POID: po.ID, Lines: []procure.AckLine{{LineNo: 1, Outcome: store.AckQuantityChanged, Quantity: 1, Note: "sweep"}}})
		if err != nil || len(res.Changes) == 0 {
			t.Fatalf("acknowledge with a change: %v", err)
		}
		return res.Changes[0].ID
	}
	mkInvoice := func(sp store.Supplier, po store.PurchaseOrder, number string) int64 {
		inv := store.Invoice{SupplierID: sp.ID, POID: &po.ID, Number: number, NumberNormalised: number, InvoiceDate: e.store.Now(),
			Currency: "USD", Source: "api", Status: "exception", MatchOutcome: "exception", MatchReasons: "sweep " + number, Version: 1,
			CreatedAt: e.store.Now(), UpdatedAt: e.store.Now()}
		if err := e.store.DB(ctx).Create(&inv).Error; err != nil {
			t.Fatal(err)
		}
		return inv.ID
	}
	mkFile := func(sp store.Supplier, name string) int64 {
		sid := sp.ID
		f := store.EDIFile{Direction: "inbound", Kind: "856", SupplierID: &sid, Source: "upload", Filename: name, SHA256: name}
		if err := e.store.InTx(ctx, func(tx *store.Tx) error { return tx.InsertEDIFile(&f, []byte("ISA*"+name)) }); err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	bChange, aChange := mkChange(bActor, w.bPO), mkChange(aActor, w.aPO)
	bInvoice, aInvoice := mkInvoice(w.b, w.bPO, "B-INV-SECRET"), mkInvoice(w.a, w.aPO, "A-INV-1")
	bFile, aFile := mkFile(w.b, "b-secret-file.edi"), mkFile(w.a, "a-file.edi")
	bUser, err := e.store.UserByEmail(ctx, "ediworks@demo.pogate")
	if err != nil {
		t.Fatal(err)
	}
	aUser, _ := e.store.UserByEmail(ctx, "acme@demo.pogate")
	w.bIDs = map[string]int64{"po_id": w.bPO.ID, "asn_id": bASN.ID, "supplier_id": w.b.ID, "user_id": bUser.ID,
		"line_id": w.bPO.Lines[0].ID, "change_id": bChange, "invoice_id": bInvoice, "file_id": bFile}
	w.aIDs = map[string]int64{"po_id": w.aPO.ID, "asn_id": aASN.ID, "supplier_id": w.a.ID, "user_id": aUser.ID,
		"line_id": w.aPO.Lines[0].ID, "change_id": aChange, "invoice_id": aInvoice, "file_id": aFile}
	// Products are the brand's, shared by all suppliers: not tenant data,
	// so B's calls and the missing-id calls name the same product.
	var prod store.Product
	if err := e.store.DB(ctx).Order("id").Take(&prod).Error; err != nil {
		t.Fatal(err)
	}
	w.shared = map[string]int64{"product_id": prod.ID}
	for k, v := range w.shared {
		w.bIDs[k], w.aIDs[k] = v, v
	}
	w.markers = []string{w.bPO.Number, bASN.Number, "B-SHIP-1", w.b.Name, "B-INV-SECRET", "b-secret-file"}
	secret, hash, prefix := auth.NewToken()
	aid := w.a.ID
	if err := e.store.CreateToken(ctx, store.System("test"), &store.APIToken{Name: "acme", Role: store.RoleSupplier, SupplierID: &aid, TokenHash: hash, Prefix: prefix}); err != nil {
		t.Fatal(err)
	}
	w.aToken = secret
	return w
}

// fingerprint summarises every row a supplier could change, so a sweep
// can assert that nothing changed.
func (w *isolationWorld) fingerprint(t *testing.T) string {
	t.Helper()
	h := sha256.New()
	db := w.store.DB(context.Background())
	for _, table := range []string{"purchase_orders", "po_lines", "asns", "asn_lines", "users", "suppliers", "catalog_items",
		"audit_events", "po_line_changes", "po_acknowledgements", "invoices", "invoice_lines", "receipts", "receipt_lines", "edi_files", "payables"} {
		var rows []map[string]any
		if err := db.Table(table).Order("id").Find(&rows).Error; err != nil {
			continue // a table of a feature not built yet
		}
		for _, r := range rows {
			keys := make([]string, 0, len(r))
			for k := range r {
				if k != "last_used_at" {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(h, "%s.%s=%v;", table, k, r[k])
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fill replaces :params in a route path with ids from m; it reports the
// parameters it had no id for.
func fill(path string, m map[string]int64) (string, []string) {
	var missing []string
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			id, ok := m[p[1:]]
			if !ok {
				missing = append(missing, p)
				continue
			}
			parts[i] = strconv.FormatInt(id, 10)
		}
		if strings.HasPrefix(p, "*") {
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/"), missing
}

func (w *isolationWorld) allMissing() map[string]int64 {
	out := map[string]int64{}
	for k := range w.bIDs {
		out[k] = missingID
	}
	for k, v := range w.shared {
		out[k] = v
	}
	return out
}

// formOf is a body naming B's records in every field a handler might read.
func formOf(m map[string]int64) url.Values {
	f := url.Values{}
	for k, v := range m {
		f.Set(k, strconv.FormatInt(v, 10))
	}
	f.Set("reason", "isolation sweep")
	f.Set("shipment_id", "SWEEP-1")
	return f
}

func jsonOf(m map[string]int64) string {
	var b strings.Builder
	b.WriteString("{")
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%d", k, m[k])
	}
	b.WriteString(`,"reason":"isolation sweep","shipment_id":"SWEEP-1"}`)
	return b.String()
}

// publicRoutes need no sign-in and show no supplier data.
func publicRoute(path string) bool {
	for _, p := range []string{"/signin", "/signout", "/password/", "/invite/", "/healthz", "/metrics", "/api/openapi.json", "/static/"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// request sends one call as supplier A: pages with A's session, API with
// A's token; form and JSON bodies name the ids given.
func (w *isolationWorld) request(c *client, method, path string, ids map[string]int64) response {
	var body string
	ct := ""
	api := strings.HasPrefix(path, "/api/")
	if method != http.MethodGet && method != http.MethodHead {
		if api {
			body, ct = jsonOf(ids), "application/json"
		} else {
			body, ct = formOf(ids).Encode(), "application/x-www-form-urlencoded"
		}
	}
	q := formOf(ids)
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	req, _ := http.NewRequest(method, w.ts.URL+path+sep+q.Encode(), strings.NewReader(body))
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if api {
		req.Header.Set("Authorization", "Bearer "+w.aToken)
		return w.anon.do(req)
	}
	return c.do(req)
}

func normalise(body string, ids map[string]int64) string {
	for k, id := range ids {
		if k == "product_id" {
			continue
		}
		body = strings.ReplaceAll(body, strconv.FormatInt(id, 10), "{id}")
	}
	return strings.ReplaceAll(body, strconv.Itoa(missingID), "{id}")
}

// TestTenantIsolationSweep walks every route of the router. Supplier A
// tries each with supplier B's ids in the path, the query and the body:
// the answer must equal the answer for ids that do not exist, B's data
// must never show, and no row anywhere may change. A route with a path
// parameter this test has no fixture for fails the test, so a new route
// cannot slip past it.
func TestTenantIsolationSweep(t *testing.T) {
	w := newIsolationWorld(t)
	supplierA := w.signIn("acme@demo.pogate")
	w.anon = w.client()
	before := w.fingerprint(t)
	routes := w.srv.Engine().Routes()
	if len(routes) < 10 {
		t.Fatalf("only %d routes", len(routes))
	}
	tried := 0
	for _, r := range routes {
		if publicRoute(r.Path) || r.Method == http.MethodHead {
			continue
		}
		bPath, missing := fill(r.Path, w.bIDs)
		if len(missing) > 0 {
			t.Errorf("%s %s: no fixture for %v; add the other supplier's record for it to newIsolationWorld", r.Method, r.Path, missing)
			continue
		}
		nPath, _ := fill(r.Path, w.allMissing())
		got := w.request(supplierA, r.Method, bPath, w.bIDs)
		tried++
		for _, m := range w.markers {
			if strings.Contains(got.body, m) {
				t.Errorf("%s %s as supplier A shows supplier B's %q", r.Method, bPath, m)
			}
		}
		if bPath == nPath {
			// No path ids: ids in query and body only; it must not fail hard.
			if got.status >= 500 {
				t.Errorf("%s %s: status %d", r.Method, r.Path, got.status)
			}
			continue
		}
		want := w.request(supplierA, r.Method, nPath, w.allMissing())
		if got.status != want.status || normalise(got.body, w.bIDs) != normalise(want.body, w.bIDs) {
			t.Errorf("%s %s: B's ids answer %d, missing ids answer %d; they must be identical\nB: %.300s\nmissing: %.300s",
				r.Method, r.Path, got.status, want.status, got.body, want.body)
		}
		// The API validates a request against the OpenAPI document before
		// any handler runs, so a body this sweep's generic JSON does not fit
		// is a 400 for B's ids and missing ids alike.
		validated := strings.HasPrefix(r.Path, "/api/") && got.status == http.StatusBadRequest
		if got.status != http.StatusNotFound && got.status != http.StatusForbidden && !validated {
			t.Errorf("%s %s with B's ids: status %d, want 404 (or 403 for a buyer action)", r.Method, r.Path, got.status)
		}
	}
	if after := w.fingerprint(t); after != before {
		t.Error("the sweep changed data: a supplier reached another supplier's records")
	}
	t.Logf("%d routes tried with the other supplier's ids", tried)
}

// TestSupplierForbiddenOnBuyerActions: every page route that changes data
// and is not a supplier's own action answers 403 to a supplier user, even
// with the supplier's own ids.
func TestSupplierForbiddenOnBuyerActions(t *testing.T) {
	w := newIsolationWorld(t)
	supplierA := w.signIn("acme@demo.pogate")
	w.anon = w.client()
	before := w.fingerprint(t)
	checked := 0
	for _, r := range w.srv.Engine().Routes() {
		if publicRoute(r.Path) || strings.HasPrefix(r.Path, "/api/") || r.Method != http.MethodPost || supplierAction(r.Path) {
			continue
		}
		path, missing := fill(r.Path, w.aIDs)
		if len(missing) > 0 {
			t.Errorf("%s %s: no fixture for %v", r.Method, r.Path, missing)
			continue
		}
		checked++
		if got := w.request(supplierA, r.Method, path, w.aIDs); got.status != http.StatusForbidden {
			t.Errorf("supplier user %s %s: status %d, want 403", r.Method, path, got.status)
		}
	}
	if w.fingerprint(t) != before {
		t.Error("a refused buyer action changed data")
	}
	t.Logf("%d buyer actions refused to a supplier user", checked)
}

// supplierAction lists the page posts a supplier user may make; everything
// else that posts is a buyer/staff action.
func supplierAction(path string) bool {
	for _, suffix := range supplierPostSuffixes {
		if strings.HasSuffix(path, suffix) {
			return true
		}
	}
	return false
}

var supplierPostSuffixes = []string{"/asn", "/acknowledge", "/invoice", "/invoice/upload", "/invoice/confirm"}

// TestOwnEDIFilePages: a supplier opens its own EDI file and downloads the
// stored original; the other supplier's file is a plain 404 (the sweep
// checks that in general).
func TestOwnEDIFilePages(t *testing.T) {
	w := newIsolationWorld(t)
	a := w.signIn("acme@demo.pogate")
	id := strconv.FormatInt(w.aIDs["file_id"], 10)
	if r := a.get("/edi"); r.status != http.StatusOK || !strings.Contains(r.body, "a-file.edi") || strings.Contains(r.body, "b-secret-file") {
		t.Fatalf("EDI list: %d", r.status)
	}
	if r := a.get("/edi/" + id); r.status != http.StatusOK || !strings.Contains(r.body, "Download the original") {
		t.Fatalf("EDI file page: %d\n%.400s", r.status, r.body)
	}
	if r := a.get("/edi/" + id + "/raw"); r.status != http.StatusOK || r.body != "ISA*a-file.edi" {
		t.Fatalf("raw: %d %q", r.status, r.body)
	}
	if r := a.get("/edi/" + strconv.FormatInt(w.bIDs["file_id"], 10)); r.status != http.StatusNotFound {
		t.Fatalf("other supplier's file: %d", r.status)
	}
}

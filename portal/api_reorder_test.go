package portal

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store"
)

func salesCount(t *testing.T, h *apiHarness) int64 {
	t.Helper()
	var n int64
	if err := h.s.DB(context.Background()).Model(&store.Sale{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// Must show: Shopify's orders/create webhook with a wrong HMAC is answered
// 401 and records nothing; the right HMAC records the order once.
func TestAPIShopifyWebhookHMAC(t *testing.T) {
	h := newAPIHarness(t)
	const secret = "shpss_test_secret_0123456789abcdef"
	if r := h.json("admin", "PUT", "/api/v1/settings", `{"name":"shopify.webhook_secret","value":"`+secret+`"}`); r.status != http.StatusNoContent {
		t.Fatalf("set secret: %d %s", r.status, r.body)
	}
	if r := h.json("buyer", "PUT", "/api/v1/settings", `{"name":"shopify.webhook_secret","value":"`+secret+`"}`); r.status != http.StatusForbidden {
		t.Fatalf("a buyer set the secret: %d", r.status)
	}
	if r := h.json("admin", "GET", "/api/v1/settings", ""); r.status != 200 || strings.Contains(r.body, secret) {
		t.Fatalf("settings list: %d %s", r.status, r.body)
	}
	body := `{"id":1,"name":"#1001","created_at":"2026-03-10T09:00:00-05:00","financial_status":"paid","line_items":[{"id":11,"sku":"SKU-1","quantity":3}]}`
	sign := func(key string) string {
		m := hmac.New(sha256.New, []byte(key))
		m.Write([]byte(body))
		return base64.StdEncoding.EncodeToString(m.Sum(nil))
	}
	path := "/webhooks/shopify/orders-create"
	r := h.do("", "POST", path, "application/json", strings.NewReader(body), "X-Shopify-Hmac-Sha256", sign("wrong-secret-wrong-secret"))
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "unauthorized") {
		t.Fatalf("wrong HMAC: %d %s", r.status, r.body)
	}
	if r := h.do("", "POST", path, "application/json", strings.NewReader(body)); r.status != http.StatusUnauthorized {
		t.Fatalf("no HMAC: %d", r.status)
	}
	if n := salesCount(t, h); n != 0 {
		t.Fatalf("refused webhooks recorded %d sales", n)
	}
	for i := 0; i < 2; i++ {
		r = h.do("", "POST", path, "application/json", strings.NewReader(body), "X-Shopify-Hmac-Sha256", sign(secret))
		if r.status != http.StatusOK {
			t.Fatalf("good HMAC: %d %s", r.status, r.body)
		}
	}
	if n := salesCount(t, h); n != 1 {
		t.Fatalf("%d sales after the webhook and its replay, want 1", n)
	}
}

// Must show: a malformed date on line 12 is answered 400 with the line and
// column in the error details, and nothing is stored.
func TestAPISalesImportMalformedDate(t *testing.T) {
	h := newAPIHarness(t)
	var b strings.Builder
	b.WriteString("date,sku,quantity,channel\n")
	for line := 2; line <= 15; line++ {
		date := fmt.Sprintf("2026-03-%02d", line)
		if line == 12 {
			date = "12/03/2026"
		}
		fmt.Fprintf(&b, "%s,SKU-%d,%d,web\n", date, line%2+1, line)
	}
	r := h.do("buyer", "POST", "/api/v1/sales/import?format=generic", "text/csv", strings.NewReader(b.String()))
	if r.status != http.StatusBadRequest {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var e struct {
		Error struct {
			Details struct {
				Errors []struct {
					Row    int    `json:"row"`
					Column string `json:"column"`
					Reason string `json:"reason"`
				} `json:"errors"`
			} `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatal(err)
	}
	errs := e.Error.Details.Errors
	if len(errs) != 1 || errs[0].Row != 12 || errs[0].Column != "date" || !strings.Contains(errs[0].Reason, "12/03/2026") {
		t.Fatalf("errors %+v", errs)
	}
	if n := salesCount(t, h); n != 0 {
		t.Fatalf("stored %d sales from a rejected file", n)
	}
	if r := h.do("buyer", "POST", "/api/v1/sales/import?format=etsy", "text/csv", strings.NewReader("x")); r.status != http.StatusBadRequest {
		t.Fatalf("unknown format: %d %s", r.status, r.body)
	}
	if r := h.do("supplier:ACME", "POST", "/api/v1/sales/import?format=generic", "text/csv", strings.NewReader(b.String())); r.status != http.StatusForbidden {
		t.Fatalf("supplier imported sales: %d", r.status)
	}
}

// Stock in, positions and a reorder run through the API.
func TestAPIStockPositionsAndReorder(t *testing.T) {
	h := newAPIHarness(t)
	ctx := context.Background()
	h.s.Now = func() time.Time { return time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC) }
	if locs, _ := h.s.Locations(ctx); len(locs) == 0 {
		if err := h.s.CreateLocation(ctx, store.System("test"), &store.Location{Code: "MAIN", Name: "Main"}); err != nil {
			t.Fatal(err)
		}
	}
	if r := h.do("buyer", "POST", "/api/v1/catalog-items/import", "text/csv", strings.NewReader(
		"supplier_code,sku,supplier_part,unit_price,lead_time_days,moq,order_multiple\nACME,SKU-1,A-1,2.50,14,300,24\nACME,SKU-2,A-2,1.00,7,1,1\n")); r.status != 200 {
		t.Fatalf("catalog: %d %s", r.status, r.body)
	}
	var sales strings.Builder
	sales.WriteString("date,sku,quantity,channel,order_id\n")
	for d := 1; d <= 28; d++ {
		fmt.Fprintf(&sales, "%s,SKU-1,20,web,o%d\n", time.Date(2026, 3, 15-d, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), d)
	}
	if r := h.do("buyer", "POST", "/api/v1/sales/import?format=generic", "text/csv", strings.NewReader(sales.String())); r.status != 200 || !strings.Contains(r.body, `"applied":28`) {
		t.Fatalf("sales: %d %s", r.status, r.body)
	}
	if r := h.json("warehouse", "PUT", "/api/v1/stock-levels", `[{"sku":"SKU-1","location":"MAIN","on_hand":330,"allocated":0},{"sku":"SKU-2","on_hand":50}]`); r.status != 200 || !strings.Contains(r.body, `"updated":2`) {
		t.Fatalf("stock: %d %s", r.status, r.body)
	}
	if r := h.json("warehouse", "PUT", "/api/v1/stock-levels", `[{"sku":"SKU-1","on_hand":-1}]`); r.status != 400 {
		t.Fatalf("negative stock: %d %s", r.status, r.body)
	}
	if r := h.json("supplier:ACME", "PUT", "/api/v1/stock-levels", `[{"sku":"SKU-1","on_hand":1}]`); r.status != 403 {
		t.Fatalf("supplier set stock: %d", r.status)
	}
	r := h.json("buyer", "GET", "/api/v1/inventory-positions?sku=SKU-1", "")
	if r.status != 200 || !strings.Contains(r.body, `"on_hand":330`) || !strings.Contains(r.body, `"available_to_promise":330`) {
		t.Fatalf("position: %d %s", r.status, r.body)
	}
	if r := h.json("admin", "PUT", "/api/v1/settings", `{"name":"reorder.safety_stock_days","value":"2.5"}`); r.status != 204 {
		t.Fatalf("safety days: %d %s", r.status, r.body)
	}
	r = h.json("buyer", "POST", "/api/v1/reorder/run?dry_run=true", "")
	if r.status != 200 || !strings.Contains(r.body, `"reorder_point":330`) || !strings.Contains(r.body, `"quantity":312`) {
		t.Fatalf("dry run: %d %s", r.status, r.body)
	}
	r = h.json("buyer", "POST", "/api/v1/reorder/run", "")
	if r.status != 200 || !strings.Contains(r.body, `"number":"PO-`) {
		t.Fatalf("run: %d %s", r.status, r.body)
	}
	r = h.json("approver", "GET", "/api/v1/reorder/proposals", "")
	if r.status != 200 || !strings.Contains(r.body, `"sku":"SKU-1"`) || !strings.Contains(r.body, `"po_id":`) || !strings.Contains(r.body, "ROP=330") {
		t.Fatalf("proposals: %d %s", r.status, r.body)
	}
	if r := h.json("supplier:ACME", "POST", "/api/v1/reorder/run", ""); r.status != 403 {
		t.Fatalf("supplier ran reorder: %d", r.status)
	}
	var drafts int64
	h.s.DB(ctx).Model(&store.PurchaseOrder{}).Where("source = ?", "reorder").Count(&drafts)
	if drafts != 1 {
		t.Fatalf("%d reorder drafts, want 1", drafts)
	}
}

func TestAPIWebhookSubscriptions(t *testing.T) {
	h := newAPIHarness(t)
	r := h.json("admin", "POST", "/api/v1/webhook-subscriptions", `{"url":"https://inventory.example.com/pogate","secret":"0123456789abcdef0123","events":["po.approved","receipt.posted"]}`)
	if r.status != 201 || strings.Contains(r.body, "0123456789abcdef0123") {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var sub struct{ ID int64 }
	json.Unmarshal([]byte(r.body), &sub)
	if r := h.json("admin", "POST", "/api/v1/webhook-subscriptions", `{"url":"ftp://x","secret":"0123456789abcdef0123","events":["*"]}`); r.status != 400 {
		t.Fatalf("bad url: %d %s", r.status, r.body)
	}
	if r := h.json("buyer", "GET", "/api/v1/webhook-subscriptions", ""); r.status != 403 {
		t.Fatalf("buyer listed subscriptions: %d", r.status)
	}
	if r := h.json("admin", "GET", "/api/v1/webhook-subscriptions", ""); r.status != 200 || !strings.Contains(r.body, "po.approved,receipt.posted") {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	if r := h.json("admin", "DELETE", fmt.Sprintf("/api/v1/webhook-subscriptions?id=%d", sub.ID), ""); r.status != 204 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	if r := h.json("admin", "DELETE", fmt.Sprintf("/api/v1/webhook-subscriptions?id=%d", sub.ID), ""); r.status != 404 {
		t.Fatalf("second delete: %d", r.status)
	}
}

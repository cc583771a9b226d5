package portal

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// Scorecards over the API: staff recompute a month, read it as JSON and
// CSV; a supplier token reads only its own, whatever supplier_id it asks
// for, and may not recompute.
func TestAPIScorecards(t *testing.T) {
	h := newAPIHarness(t)
	h.do("buyer", "POST", "/api/v1/catalog-items/import", "text/csv", strings.NewReader(apiCatalogCSV))
	r := h.json("buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":500}]}`, h.sup["ACME"].ID))
	var po poJSON
	json.Unmarshal([]byte(r.body), &po)
	h.sendPO(po.ID)
	if rr := h.json("warehouse", "POST", "/api/v1/receipts", fmt.Sprintf(`{"po_id":%d,"close":true,"close_reason":"short","lines":[{"po_line_id":%d,"received":480}]}`, po.ID, po.Lines[0].ID)); rr.status/100 != 2 {
		t.Fatalf("receipt: %d %s", rr.status, rr.body)
	}
	month := h.s.Now().Format("2006-01")
	if rc := h.json("supplier:ACME", "POST", "/api/v1/scorecards/recompute", fmt.Sprintf(`{"month":%q}`, month)); rc.status != 403 {
		t.Fatalf("supplier recompute: %d %s", rc.status, rc.body)
	}
	if rc := h.json("buyer", "POST", "/api/v1/scorecards/recompute", `{"month":"2026-13"}`); rc.status != 400 {
		t.Fatalf("bad month: %d %s", rc.status, rc.body)
	}
	if rc := h.json("buyer", "POST", "/api/v1/scorecards/recompute", fmt.Sprintf(`{"month":%q}`, month)); rc.status != 200 || !strings.Contains(rc.body, `"suppliers":1`) {
		t.Fatalf("recompute: %d %s", rc.status, rc.body)
	}
	var list struct {
		Items []struct {
			SupplierID       int64   `json:"supplier_id"`
			Month            string  `json:"month"`
			FillRateQuantity *string `json:"fill_rate_quantity"`
			OnTimeRate       *string `json:"on_time_rate"`
		} `json:"items"`
	}
	got := h.json("buyer", "GET", "/api/v1/scorecards?from="+month+"&to="+month, "")
	if err := json.Unmarshal([]byte(got.body), &list); got.status != 200 || err != nil || len(list.Items) != 1 {
		t.Fatalf("list: %d %s %v", got.status, got.body, err)
	}
	if it := list.Items[0]; it.SupplierID != h.sup["ACME"].ID || it.FillRateQuantity == nil || *it.FillRateQuantity != "96.00" || it.OnTimeRate == nil || *it.OnTimeRate != "100.00" {
		t.Fatalf("card: %s", got.body)
	}
	if o := h.json("supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/scorecards?supplier_id=%d", h.sup["ACME"].ID), ""); o.status != 200 || !strings.Contains(o.body, `"items":[]`) {
		t.Fatalf("GLOBEX reads ACME: %d %s", o.status, o.body)
	}
	if o := h.json("supplier:ACME", "GET", "/api/v1/scorecards", ""); o.status != 200 || !strings.Contains(o.body, `"fill_rate_quantity":"96.00"`) {
		t.Fatalf("ACME reads own: %d %s", o.status, o.body)
	}
	for _, path := range []string{"/api/v1/scorecards.csv", "/api/v1/scorecards?format=csv"} {
		c := h.json("buyer", "GET", path, "")
		lines := strings.Split(strings.TrimSpace(c.body), "\n")
		if c.status != 200 || len(lines) != 2 || !strings.HasPrefix(lines[0], "supplier_id,month,") || !strings.Contains(lines[1], ","+month+",") || !strings.Contains(lines[1], ",96.00,") {
			t.Fatalf("%s: %d %s", path, c.status, c.body)
		}
	}
	if o := h.json("buyer", "GET", "/api/v1/scorecards?from=March", ""); o.status != 400 {
		t.Fatalf("bad from: %d %s", o.status, o.body)
	}
}

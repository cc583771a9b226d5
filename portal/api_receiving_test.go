package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/store"
)

// sentPOForAPI imports the harness catalog, makes sure a location exists,
// creates a PO for ACME (SKU-1 × 500, SKU-2 × 10) and moves it to sent, as
// dispatch would.
func sentPOForAPI(t *testing.T, h *apiHarness) poJSON {
	t.Helper()
	ctx := context.Background()
	if r := h.do("buyer", "POST", "/api/v1/catalog-items/import?filename=c.csv", "text/csv", strings.NewReader(apiCatalogCSV)); r.status != 200 {
		t.Fatalf("import: %d %s", r.status, r.body)
	}
	if locs, err := h.s.Locations(ctx); err != nil {
		t.Fatal(err)
	} else if len(locs) == 0 {
		if err := h.s.CreateLocation(ctx, store.System("test"), &store.Location{Code: "RCV", Name: "Receiving", CreatedAt: h.s.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	r := h.json("buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":500},{"sku":"SKU-2","quantity":10}]}`, h.sup["ACME"].ID))
	if r.status != 201 {
		t.Fatalf("create PO: %d %s", r.status, r.body)
	}
	var po poJSON
	json.Unmarshal([]byte(r.body), &po)
	err := h.s.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.LockPO(po.ID, 0)
		if err != nil {
			return err
		}
		if err := tx.SavePOHeader(&p, map[string]any{"status": store.POStatusApproved}); err != nil {
			return err
		}
		return tx.SavePOHeader(&p, map[string]any{"status": store.POStatusSent, "sent_at": h.s.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	return po
}

// The ASN → draft → receipt (closed short) → backorder loop over the API,
// with supplier isolation and the refusals a client must be able to act on.
func TestAPIShipNoticesReceiptsAndBackorders(t *testing.T) {
	h := newAPIHarness(t)
	po := sentPOForAPI(t, h)
	asnBody := fmt.Sprintf(`{"po_id":%d,"shipment_id":"SH-1","carrier":"UPSN","expected_delivery":"2030-01-05T00:00:00Z",
		"lines":[{"sku":"SKU-1","quantity":500}],
		"packs":[{"sscc":"106141411234567897","level":"T"},{"sscc":"(00)006141411234567890","parent_sscc":"106141411234567897","items":[{"line_no":2,"quantity":10}]}]}`, po.ID)

	steps := []struct {
		name, token, method, path, body string
		status                          int
		contains, notContains           string
	}{
		{"other supplier cannot ship against the PO", "supplier:GLOBEX", "POST", "/api/v1/asns", asnBody, 404, "purchase order not found", po.Number},
		{"warehouse cannot submit ASNs", "warehouse", "POST", "/api/v1/asns", asnBody, 403, "forbidden", ""},
		{"over-ship refused naming the line", "supplier:ACME", "POST", "/api/v1/asns", fmt.Sprintf(`{"po_id":%d,"shipment_id":"SH-0","lines":[{"line_no":1,"quantity":501}]}`, po.ID), 400, "line 1 (SKU-1): 501 shipped would exceed the 500 ordered (tolerance 0%)", ""},
		{"bad SSCC refused", "supplier:ACME", "POST", "/api/v1/asns", fmt.Sprintf(`{"po_id":%d,"shipment_id":"SH-0","packs":[{"sscc":"006141411234567891","items":[{"line_no":1,"quantity":1}]}]}`, po.ID), 400, "not a valid SSCC-18", ""},
		{"supplier field is not accepted", "supplier:ACME", "POST", "/api/v1/asns", fmt.Sprintf(`{"po_id":%d,"supplier_id":2,"shipment_id":"SH-0","lines":[{"line_no":1,"quantity":1}]}`, po.ID), 400, "supplier_id", ""},
		{"own supplier submits", "supplier:ACME", "POST", "/api/v1/asns", asnBody, 201, `"status":"open"`, ""},
		{"other supplier sees no ASNs", "supplier:GLOBEX", "GET", "/api/v1/asns", "", 200, `"total":0`, "SH-1"},
		{"own supplier lists it", "supplier:ACME", "GET", fmt.Sprintf("/api/v1/asns?po_id=%d", po.ID), "", 200, `"shipment_id":"SH-1"`, ""},
		{"supplier cannot receive", "supplier:ACME", "POST", "/api/v1/receipts", fmt.Sprintf(`{"po_id":%d,"lines":[{"line_no":1,"received":1}]}`, po.ID), 403, "forbidden", ""},
		{"unknown receipt field", "warehouse", "POST", "/api/v1/receipts", fmt.Sprintf(`{"po_id":%d,"lines":[{"line_no":1,"received":1,"colour":"red"}]}`, po.ID), 400, "colour", ""},
		{"over-receipt refused", "warehouse", "POST", "/api/v1/receipts", fmt.Sprintf(`{"po_id":%d,"lines":[{"sku":"SKU-2","received":11}]}`, po.ID), 409, "line 2 (SKU-2): 11 received would exceed the 10 ordered (tolerance 0%)", ""},
		{"draft needs a reference", "warehouse", "GET", "/api/v1/receipt-drafts", "", 400, "po_id", ""},
	}
	var asnID int64
	for _, st := range steps {
		r := h.json(st.token, st.method, st.path, st.body)
		if r.status != st.status || !strings.Contains(r.body, st.contains) || (st.notContains != "" && strings.Contains(r.body, st.notContains)) {
			t.Fatalf("%s: %s %s: %d %s (want %d containing %q)", st.name, st.method, st.path, r.status, r.body, st.status, st.contains)
		}
		if st.status == 201 {
			var a asnJSON
			json.Unmarshal([]byte(r.body), &a)
			asnID = a.ID
			if len(a.Lines) != 2 || len(a.Packs) != 2 || a.Packs[1].ParentID == nil || a.Lines[1].InTransit != 10 {
				t.Fatalf("asn = %s", r.body)
			}
		}
	}
	if r := h.json("supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/asns/%d", asnID), ""); r.status != 404 {
		t.Fatalf("other supplier reads ASN: %d %s", r.status, r.body)
	}

	// The dock opens the draft from the ASN, counts 480 of line 1, closes short.
	r := h.json("warehouse", "GET", fmt.Sprintf("/api/v1/receipt-drafts?asn_id=%d", asnID), "")
	if r.status != 200 || !strings.Contains(r.body, `"expected":500`) || !strings.Contains(r.body, `"expected":10`) {
		t.Fatalf("draft: %d %s", r.status, r.body)
	}
	r = h.json("warehouse", "POST", "/api/v1/receipts", fmt.Sprintf(`{"asn_id":%d,"reference":"DN-1","close":true,"lines":[{"sku":"SKU-1","received":480},{"line_no":2,"received":10}]}`, asnID),
		"Idempotency-Key", "grn-1")
	if r.status != 201 {
		t.Fatalf("receive: %d %s", r.status, r.body)
	}
	var res receiptResultJSON
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatal(err)
	}
	if res.PurchaseOrder.Status != "closed" || res.Close == nil || res.Close.Policy != "backorder" || res.Close.Backorder == nil ||
		len(res.Close.Backorder.Lines) != 1 || res.Close.Backorder.Lines[0].Quantity != 20 || *res.Close.Backorder.ParentID != po.ID {
		t.Fatalf("result = %s", r.body)
	}
	if d := res.Receipt.Lines[0].ASNDifference; d == nil || *d != -20 || res.Receipt.Lines[0].Accepted != 480 {
		t.Fatalf("receipt line = %+v", res.Receipt.Lines[0])
	}
	// A replay with the same key answers the first result, books nothing more.
	again := h.json("warehouse", "POST", "/api/v1/receipts", fmt.Sprintf(`{"asn_id":%d,"reference":"DN-1","close":true,"lines":[{"sku":"SKU-1","received":480},{"line_no":2,"received":10}]}`, asnID),
		"Idempotency-Key", "grn-1")
	if again.status != 201 || again.body != r.body {
		t.Fatalf("replay: %d %s", again.status, again.body)
	}
	for _, c := range []struct{ token, contains, not string }{
		{"supplier:ACME", `"total":1`, ""},
		{"supplier:GLOBEX", `"total":0`, "DN-1"},
		{"buyer", `"accepted":480`, ""},
	} {
		if r := h.json(c.token, "GET", fmt.Sprintf("/api/v1/receipts?po_id=%d", po.ID), ""); r.status != 200 || !strings.Contains(r.body, c.contains) || (c.not != "" && strings.Contains(r.body, c.not)) {
			t.Fatalf("%s lists receipts: %d %s", c.token, r.status, r.body)
		}
	}
	if r := h.json("buyer", "GET", fmt.Sprintf("/api/v1/receipts?asn_id=%d", asnID), ""); r.status != 200 || !strings.Contains(r.body, `"closed_po":true`) {
		t.Fatalf("receipts by ASN: %d %s", r.status, r.body)
	}
	// Closing an already closed PO is a conflict.
	if r := h.json("warehouse", "POST", fmt.Sprintf("/api/v1/purchase-orders/%d/close-receipt", po.ID), `{"reason":"again"}`); r.status != 409 || !strings.Contains(r.body, "cannot be closed") {
		t.Fatalf("close again: %d %s", r.status, r.body)
	}
}

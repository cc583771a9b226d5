package portal

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/store"
)

// sendPO moves a PO to sent as dispatch would (the harness has no jobs).
func (h *apiHarness) sendPO(id int64) {
	h.t.Helper()
	err := h.s.InTx(context.Background(), func(tx *store.Tx) error {
		po, err := tx.LockPO(id, 0)
		if err != nil {
			return err
		}
		if err := tx.SavePOHeader(&po, map[string]any{"status": store.POStatusApproved}); err != nil {
			return err
		}
		return tx.SavePOHeader(&po, map[string]any{"status": store.POStatusSent, "sent_at": h.s.Now()})
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func TestAPIInvoiceFlipSubmitExplainResolve(t *testing.T) {
	h := newAPIHarness(t)
	h.do("buyer", "POST", "/api/v1/catalog-items/import", "text/csv", strings.NewReader(apiCatalogCSV))
	r := h.json("buyer", "POST", "/api/v1/purchase-orders", fmt.Sprintf(`{"supplier_id":%d,"lines":[{"sku":"SKU-1","quantity":500}]}`, h.sup["ACME"].ID))
	var po poJSON
	json.Unmarshal([]byte(r.body), &po)
	h.sendPO(po.ID)
	rr := h.json("warehouse", "POST", "/api/v1/receipts", fmt.Sprintf(`{"po_id":%d,"close":true,"close_reason":"short shipment","lines":[{"po_line_id":%d,"received":480}]}`, po.ID, po.Lines[0].ID))
	if rr.status != 201 && rr.status != 200 {
		t.Fatalf("receipt: %d %s", rr.status, rr.body)
	}
	flip := h.json("supplier:ACME", "GET", fmt.Sprintf("/api/v1/purchase-orders/%d/invoice-draft", po.ID), "")
	if flip.status != 200 || !strings.Contains(flip.body, `"quantity":480`) || !strings.Contains(flip.body, `"total":"1200.00"`) {
		t.Fatalf("flip: %d %s", flip.status, flip.body)
	}
	if o := h.json("supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/purchase-orders/%d/invoice-draft", po.ID), ""); o.status != 404 {
		t.Fatalf("other supplier flip: %d", o.status)
	}
	over := fmt.Sprintf(`{"po_number":%q,"number":"INV-001","date":"2026-11-20","currency":"USD","lines":[{"po_line_id":%d,"quantity":500,"unit_price":"2.50","amount":"1250.00"}],"total":"1250.00"}`, po.Number, po.Lines[0].ID)
	sub := h.json("supplier:ACME", "POST", "/api/v1/invoices", over)
	if sub.status != 201 || !strings.Contains(sub.body, `"status":"exception"`) || !strings.Contains(sub.body, "500") || !strings.Contains(sub.body, "480") {
		t.Fatalf("over-invoice: %d %s", sub.status, sub.body)
	}
	var inv invoiceJSON
	json.Unmarshal([]byte(sub.body), &inv)
	get := h.json("supplier:ACME", "GET", fmt.Sprintf("/api/v1/invoices/%d", inv.ID), "")
	if get.status != 200 || !strings.Contains(get.body, "qty_over_receipt") {
		t.Fatalf("explain: %d %s", get.status, get.body)
	}
	if o := h.json("supplier:GLOBEX", "GET", fmt.Sprintf("/api/v1/invoices/%d", inv.ID), ""); o.status != 404 {
		t.Fatalf("other supplier reads invoice: %d", o.status)
	}
	if o := h.json("supplier:ACME", "POST", fmt.Sprintf("/api/v1/invoices/%d/resolve", inv.ID), `{"action":"accept","reason":"me"}`); o.status != 403 {
		t.Fatalf("supplier resolves: %d", o.status)
	}
	dup := strings.Replace(strings.Replace(over, "500", "480", 1), "1250.00", "1200.00", 2)
	dup = strings.Replace(dup, "INV-001", "inv 0001", 1)
	d := h.json("supplier:ACME", "POST", "/api/v1/invoices", dup)
	if d.status != 201 || !strings.Contains(d.body, "duplicate_invoice") {
		t.Fatalf("duplicate number variant: %d %s", d.status, d.body)
	}
	res := h.json("ap", "POST", fmt.Sprintf("/api/v1/invoices/%d/resolve", inv.ID), `{"action":"reject","reason":"only 480 arrived"}`)
	if res.status != 200 || !strings.Contains(res.body, `"status":"rejected"`) {
		t.Fatalf("resolve: %d %s", res.status, res.body)
	}
	bad := h.json("supplier:ACME", "POST", "/api/v1/invoices", strings.Replace(over, `"1250.00"}],`, `"12.505"}],`, 1))
	if bad.status != 400 || !strings.Contains(bad.body, "amount") {
		t.Fatalf("3-decimal USD amount: %d %s", bad.status, bad.body)
	}
	if p := h.json("ap", "GET", "/api/v1/payables", ""); p.status != 200 || !strings.Contains(p.body, `"total":0`) {
		t.Fatalf("payables: %d %s", p.status, p.body)
	}
	if p := h.json("supplier:ACME", "POST", "/api/v1/payables/export?format=csv", ""); p.status != 403 {
		t.Fatalf("supplier export: %d", p.status)
	}
	if p := h.json("ap", "POST", "/api/v1/payables/export?format=csv", ""); p.status != 200 || !strings.HasPrefix(p.body, "payable_id,") {
		t.Fatalf("export: %d %s", p.status, p.body)
	}
}

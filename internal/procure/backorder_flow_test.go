package procure_test

import (
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// The whole loop with the real queue and dispatch: a PO over the approval
// threshold is approved and sent, 480 of 500 arrive, the receipt is closed
// and the backorder PO for 20 is sent to the supplier like any PO.
func TestBackorderIsSentLikeAnyPO(t *testing.T) {
	w := newFlowWorld(t)
	loc := store.Location{Code: "DC1", Name: "DC 1", CreatedAt: flowStart}
	if err := w.st.CreateLocation(w.ctx, w.admin, &loc); err != nil {
		t.Fatal(err)
	}
	po := w.draft(w.buyer, w.portal, 500) // 5,000.00: above the 2,000 threshold
	if _, _, err := w.svc.Submit(w.ctx, w.buyer, po.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Approve(w.ctx, w.approver, po.ID, ""); err != nil {
		t.Fatal(err)
	}
	w.drain()
	if got := w.po(po.ID); got.Status != store.POStatusSent {
		t.Fatalf("original is %s after dispatch, want sent", got.Status)
	}
	dock := store.Actor{Kind: store.ActorUser, Label: "dock", Role: store.RoleWarehouse, Channel: "portal"}
	res, err := w.svc.Receive(w.ctx, dock, procure.ReceiptInput{POID: po.ID, Close: true,
		Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{SKU: "MUG-1"}, Received: 480}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Close == nil || res.Close.Backorder == nil {
		t.Fatalf("no backorder: %+v", res.Close)
	}
	bo := res.Close.Backorder
	if bo.Status != store.POStatusApproved || bo.TotalMinor != 20000 || bo.Lines[0].Quantity != 20 {
		t.Fatalf("backorder = %s total %d lines %+v", bo.Status, bo.TotalMinor, bo.Lines)
	}
	w.drain()
	sent := w.po(bo.ID)
	if sent.Status != store.POStatusSent || sent.SentAt == nil || sent.AckDueAt == nil {
		t.Fatalf("backorder after dispatch: %s sent %v ack due %v", sent.Status, sent.SentAt, sent.AckDueAt)
	}
	found := false
	for _, ev := range w.events("po.approved") {
		if ev.EntityID == bo.ID {
			found = true
		}
	}
	if !found {
		t.Fatal("no po.approved event for the backorder")
	}
	if w.po(po.ID).Status != store.POStatusClosed {
		t.Fatal("original not closed")
	}
}

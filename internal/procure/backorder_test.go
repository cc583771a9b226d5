package procure_test

import (
	"context"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// The brief's example: PO 500 → ASN 500 → 480 received and the receipt
// closed → a backorder PO for 20 at the same price, linked to the original,
// expected after the catalog lead time; the original is closed.
func TestCloseShortReceiptCreatesBackorderPO(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 500}, rcvLine{"SKU-3", 40})
	asn, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-500",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{SKU: "SKU-1"}, Quantity: 500}, {LineRef: procure.LineRef{SKU: "SKU-3"}, Quantity: 40}}})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := f.svc.ReceiptDraftFromASN(ctx, f.warehouse, asn.ID)
	if err != nil {
		t.Fatal(err)
	}
	draft.Lines[0].Received = 480
	in := draft.Input()
	in.Close, in.CloseReason = true, "short shipped"
	res, err := f.svc.Receive(ctx, f.warehouse, in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Close == nil || res.Close.Policy != store.BackorderCreate || res.Close.Backorder == nil || !res.Receipt.ClosedPO {
		t.Fatalf("close = %+v, receipt closed_po %v", res.Close, res.Receipt.ClosedPO)
	}
	if res.PO.Status != store.POStatusClosed {
		t.Fatalf("original status %s, want closed", res.PO.Status)
	}
	bo := f.po(t, res.Close.Backorder.ID)
	if bo.ParentID == nil || *bo.ParentID != po.ID || bo.Status != store.POStatusApproved || bo.Source != "backorder" || bo.SupplierID != f.acme.ID {
		t.Fatalf("backorder header = %+v", bo)
	}
	if len(bo.Lines) != 1 {
		t.Fatalf("backorder has %d lines, want 1 (SKU-3 arrived in full)", len(bo.Lines))
	}
	l := bo.Lines[0]
	want := f.now.AddDate(0, 0, 14)
	if l.Quantity != 20 || l.ProductID != po.Lines[0].ProductID || l.UnitPriceMicros != po.Lines[0].UnitPriceMicros ||
		l.AmountMinor != 5000 || bo.TotalMinor != 5000 || l.ExpectedAt == nil || !l.ExpectedAt.Equal(want) {
		t.Fatalf("backorder line = %+v total %d (want 20 × 2.50 = 50.00, expected %v)", l, bo.TotalMinor, want)
	}
	orig := f.po(t, po.ID)
	if orig.Lines[0].ReceivedQty != 480 || orig.Lines[0].CancelledQty != 0 || orig.Lines[1].ReceivedQty != 40 {
		t.Fatalf("original lines = %+v", orig.Lines)
	}
	// The 20 are on order once (on the backorder), not in transit on the ASN.
	if got := f.inTransit(t, "SKU-1"); got != 0 {
		t.Errorf("in transit %d, want 0", got)
	}
	evs, _ := f.s.AuditFor(ctx, "purchase_order", po.ID, 0, store.Page{})
	if last := evs[len(evs)-1]; last.Action != "po.closed" {
		t.Errorf("last audit on original = %s", last.Action)
	}
	evs, _ = f.s.AuditFor(ctx, "purchase_order", bo.ID, 0, store.Page{})
	if len(evs) != 2 || evs[0].Action != "po.created" || evs[1].Action != "po.approved" {
		t.Errorf("backorder audit = %+v", evs)
	}
	// A closed PO takes no more goods.
	_, err = f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, 20)}})
	wantFault(t, err, fault.Conflict, "is closed")
}

// A supplier whose policy is "cancel" gets the remainder cancelled on the
// lines, by a separate CloseReceipt call.
func TestCloseShortReceiptCancelPolicy(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.globex, "", rcvLine{"SKU-1", 100}, rcvLine{"SKU-3", 30})
	_, _, err := f.svc.CloseReceipt(ctx, f.warehouse, po.ID, "")
	wantFault(t, err, fault.Conflict, "nothing has been received on purchase order "+po.Number+"; cancel it instead")
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		recvLine(procure.LineRef{SKU: "SKU-1"}, 60), {LineRef: procure.LineRef{SKU: "SKU-3"}, Received: 30, Damaged: 5}}}); err != nil {
		t.Fatal(err)
	}
	var n int64
	f.s.DB(ctx).Model(&store.PurchaseOrder{}).Count(&n)
	res, closed, err := f.svc.CloseReceipt(ctx, f.warehouse, po.ID, "supplier cannot deliver")
	if err != nil {
		t.Fatal(err)
	}
	if res.Policy != store.BackorderCancel || res.Backorder != nil || res.Cancelled != 45 || closed.Status != store.POStatusClosed {
		t.Fatalf("result %+v status %s", res, closed.Status)
	}
	if closed.Lines[0].CancelledQty != 40 || closed.Lines[1].CancelledQty != 5 || closed.Lines[0].OpenQty() != 0 {
		t.Fatalf("lines = %+v", closed.Lines)
	}
	var m int64
	f.s.DB(ctx).Model(&store.PurchaseOrder{}).Count(&m)
	if m != n {
		t.Fatalf("cancel policy created %d purchase orders", m-n)
	}
	_, _, err = f.svc.CloseReceipt(ctx, f.warehouse, po.ID, "")
	wantFault(t, err, fault.Conflict, "is closed and cannot be closed")
	// A supplier cannot close another's PO, nor its own: receiving is staff work.
	_, _, err = f.svc.CloseReceipt(ctx, f.acmeUser, po.ID, "")
	wantFault(t, err, fault.Forbidden, "may not")
}

package procure_test

import (
	"context"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func recvLine(ref procure.LineRef, received int64) procure.ReceiptLineInput {
	return procure.ReceiptLineInput{LineRef: ref, Received: received}
}

// The draft from an ASN expects what the ASN has in transit; receiving it
// (edited) records the ASN differences, empties the transit, books stock in
// stock units and moves the PO on.
func TestReceiptFromASNIsPrefilledAndRecordsDifferences(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 500}, rcvLine{"SKU-2", 10}, rcvLine{"SKU-3", 50})
	asn, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "SH-9",
		Lines: []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 300}, {LineRef: procure.LineRef{LineNo: 2}, Quantity: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := f.svc.ReceiptDraftFromASN(ctx, f.warehouse, asn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if draft.POID != po.ID || draft.ASNNumber != asn.Number || draft.ShipmentID != "SH-9" || len(draft.Lines) != 2 {
		t.Fatalf("draft = %+v", draft)
	}
	l1, l2 := draft.Lines[0], draft.Lines[1]
	if l1.SKU != "SKU-1" || l1.GTIN != rcvGTIN || l1.Expected != 300 || l1.Received != 300 || l1.Ordered != 500 || l1.Open != 500 || l1.MaxAcceptable != 500 {
		t.Fatalf("draft line 1 = %+v", l1)
	}
	if l2.Expected != 10 || l2.UnitsPerUnit != 12 || l2.SupplierPart != "A-2" {
		t.Fatalf("draft line 2 = %+v", l2)
	}
	// The dock counts 290 of line 1 and nothing of line 2.
	draft.Lines[0].Received = 290
	draft.Lines = draft.Lines[:1]
	in := draft.Input()
	in.Reference = "DN-77"
	res, err := f.svc.Receive(ctx, f.warehouse, in)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Receipt
	if r.Number == "" || r.ASNID == nil || *r.ASNID != asn.ID || r.LocationID != f.loc.ID || len(r.Lines) != 2 {
		t.Fatalf("receipt = %+v", r)
	}
	// Line 2 was on the ASN but did not arrive: recorded with 0 received.
	if d := r.Lines[0].ASNDifference(); d != -10 || r.Lines[0].AcceptedQty != 290 {
		t.Errorf("line 1 difference %d accepted %d, want -10, 290", d, r.Lines[0].AcceptedQty)
	}
	if d := r.Lines[1].ASNDifference(); d != -10 || r.Lines[1].ReceivedQty != 0 || r.Lines[1].LineNo != 2 {
		t.Errorf("line 2 = %+v (difference %d), want 0 received, -10", r.Lines[1], d)
	}
	if res.PO.Status != store.POStatusPartiallyReceived || res.PO.Lines[0].ReceivedQty != 290 {
		t.Fatalf("po after = %s %+v", res.PO.Status, res.PO.Lines[0])
	}
	if got := f.onHand(t, "SKU-1"); got != 290 {
		t.Errorf("SKU-1 on hand %d, want 290", got)
	}
	// The shipment has arrived: nothing of it is in transit any more.
	if got := f.inTransit(t, "SKU-1") + f.inTransit(t, "SKU-2"); got != 0 {
		t.Errorf("in transit after receipt = %d, want 0", got)
	}
	a, _ := f.svc.GetASN(ctx, f.warehouse, asn.ID)
	if a.Status != store.ASNStatusReceived || a.Lines[0].ReceivedQty != 290 || a.ReceivedAt == nil {
		t.Errorf("asn after = %+v", a)
	}
	// A received ASN cannot be received again.
	_, err = f.svc.Receive(ctx, f.warehouse, in)
	wantFault(t, err, fault.Conflict, "ship notice "+asn.Number+" is already received")
	_, err = f.svc.ReceiptDraftFromASN(ctx, f.warehouse, asn.ID)
	wantFault(t, err, fault.Conflict, "already received")
	// Receipt events are listed per PO with their lines.
	list, total, err := f.svc.ListReceipts(ctx, f.warehouse, store.ReceiptFilter{POID: po.ID}, store.Page{})
	if err != nil || total != 1 || len(list[0].Lines) != 2 || !list[0].ReceivedAt.Equal(f.now) {
		t.Fatalf("receipts = %+v %v", list, err)
	}
	evs, _ := f.s.AuditFor(ctx, "receipt", r.ID, 0, store.Page{})
	if len(evs) != 1 || evs[0].Action != "receipt.created" {
		t.Fatalf("audit = %+v", evs)
	}
}

// Lines can be named by SKU, GTIN scan (also as GTIN-14), supplier part or
// line number; purchase units convert to stock units; damaged and rejected
// units are recorded but neither stocked nor counted against the PO.
func TestReceiveByScanAndUnitsAndDamage(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 100}, rcvLine{"SKU-2", 10}, rcvLine{"SKU-3", 20})
	res, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{PONumber: po.Number, Lines: []procure.ReceiptLineInput{
		{LineRef: procure.LineRef{GTIN: "0" + rcvGTIN}, Received: 100, Damaged: 5, Rejected: 3, Reason: "crushed carton"},
		recvLine(procure.LineRef{SupplierPart: "a-2"}, 4),
		recvLine(procure.LineRef{SKU: "sku-3"}, 20),
	}})
	if err != nil {
		t.Fatal(err)
	}
	lines := res.PO.Lines
	if lines[0].ReceivedQty != 92 || lines[0].OpenQty() != 8 || lines[1].ReceivedQty != 4 || lines[2].ReceivedQty != 20 {
		t.Fatalf("received = %d %d %d", lines[0].ReceivedQty, lines[1].ReceivedQty, lines[2].ReceivedQty)
	}
	rl := res.Receipt.Lines[0]
	if rl.ReceivedQty != 100 || rl.DamagedQty != 5 || rl.RejectedQty != 3 || rl.AcceptedQty != 92 || rl.StockQty != 92 || rl.Reason != "crushed carton" || rl.ExpectedQty != nil {
		t.Fatalf("receipt line = %+v", rl)
	}
	if got := f.onHand(t, "SKU-1"); got != 92 {
		t.Errorf("SKU-1 on hand %d, want 92", got)
	}
	if got := f.onHand(t, "SKU-2"); got != 48 {
		t.Errorf("SKU-2 on hand %d, want 48 (4 cases of 12)", got)
	}
	if res.Receipt.Lines[1].StockQty != 48 {
		t.Errorf("stock qty = %d", res.Receipt.Lines[1].StockQty)
	}
	if res.PO.Status != store.POStatusPartiallyReceived {
		t.Errorf("status = %s", res.PO.Status)
	}
	// The rest arrives: the PO is received.
	res, err = f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		recvLine(procure.LineRef{LineNo: 1}, 8), recvLine(procure.LineRef{POLineID: po.Lines[1].ID}, 6),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.PO.Status != store.POStatusReceived {
		t.Fatalf("status = %s, want received", res.PO.Status)
	}
	acc, err := f.s.AcceptedByPOLine(ctx, []int64{po.Lines[0].ID, po.Lines[1].ID})
	if err != nil || acc[po.Lines[0].ID] != 100 || acc[po.Lines[1].ID] != 10 {
		t.Fatalf("accepted by line = %v %v", acc, err)
	}
}

// More than ordered (beyond tolerance) is refused with the line, the
// figures and the tolerance named, and changes nothing.
func TestOverReceiptRefused(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-3", 50}, rcvLine{"SKU-1", 100})
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 2}, 90)}}); err != nil {
		t.Fatal(err)
	}
	_, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		recvLine(procure.LineRef{LineNo: 1}, 10), recvLine(procure.LineRef{LineNo: 2}, 20)}})
	wantFault(t, err, fault.Conflict, "line 2 (SKU-1): 20 received would exceed the 100 ordered (tolerance 0%); 90 already received, at most 10 more can be accepted")
	var fe *fault.Error
	if asFault(err, &fe) && fe.Field != "lines[1].received" {
		t.Errorf("field = %q", fe.Field)
	}
	after := f.po(t, po.ID)
	if after.Lines[0].ReceivedQty != 0 || after.Lines[1].ReceivedQty != 90 || f.onHand(t, "SKU-1") != 90 || f.onHand(t, "SKU-3") != 0 {
		t.Fatalf("a refused receipt changed something: %+v", after.Lines)
	}
	// Rejected units do not count: 25 delivered, 15 rejected is 10 good.
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		{LineRef: procure.LineRef{LineNo: 2}, Received: 25, Rejected: 15}}}); err != nil {
		t.Fatalf("10 good of 25 delivered: %v", err)
	}
	// With 5 units absolute tolerance, 5 more are accepted and the 6th is not.
	f.setQtyTolerance(t, f.acme.ID, nil, i64(5))
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 2}, 5)}}); err != nil {
		t.Fatalf("within 5 units: %v", err)
	}
	_, err = f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		{LineRef: procure.LineRef{LineNo: 2}, Received: 3, Damaged: 2}}})
	wantFault(t, err, fault.Conflict, "line 2 (SKU-1): 1 accepted would exceed the 100 ordered (tolerance 5 units); 105 already received, at most 0 more can be accepted")
}

func TestReceiveRefusals(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	sent := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 10})
	approved := f.sentPO(t, f.acme, store.POStatusApproved, rcvLine{"SKU-1", 10})
	line := []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, 1)}
	cases := []struct {
		name  string
		actor store.Actor
		in    procure.ReceiptInput
		code  fault.Code
		want  string
	}{
		{"supplier may not receive", f.acmeUser, procure.ReceiptInput{POID: sent.ID, Lines: line}, fault.Forbidden, "may not"},
		{"not sent yet", f.warehouse, procure.ReceiptInput{POID: approved.ID, Lines: line}, fault.Conflict, approved.Number + " has not been sent to the supplier yet"},
		{"no lines", f.warehouse, procure.ReceiptInput{POID: sent.ID}, fault.Invalid, "at least one line"},
		{"no PO", f.warehouse, procure.ReceiptInput{Lines: line}, fault.Invalid, "name the purchase order"},
		{"unknown PO", f.warehouse, procure.ReceiptInput{POID: sent.ID + 999, Lines: line}, fault.NotFound, "purchase order not found"},
		{"negative", f.warehouse, procure.ReceiptInput{POID: sent.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, -1)}}, fault.Invalid, "cannot be negative"},
		{"damage over received", f.warehouse, procure.ReceiptInput{POID: sent.ID, Lines: []procure.ReceiptLineInput{{LineRef: procure.LineRef{LineNo: 1}, Received: 2, Damaged: 2, Rejected: 1}}}, fault.Invalid, "cannot add up to more"},
		{"unknown GTIN", f.warehouse, procure.ReceiptInput{POID: sent.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{GTIN: "4006381333948"}, 1)}}, fault.Invalid, "has no line with GTIN 4006381333948"},
		{"line twice", f.warehouse, procure.ReceiptInput{POID: sent.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, 1), recvLine(procure.LineRef{SKU: "SKU-1"}, 1)}}, fault.Invalid, "is already lines[0]"},
		{"unknown location", f.warehouse, procure.ReceiptInput{POID: sent.ID, LocationID: 999, Lines: line}, fault.Invalid, "location 999 not found"},
		{"nothing received", f.warehouse, procure.ReceiptInput{POID: sent.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, 0)}}, fault.Invalid, "nothing was received"},
		{"future date", f.warehouse, procure.ReceiptInput{POID: sent.ID, ReceivedAt: ptrTime(f.now.Add(24 * time.Hour)), Lines: line}, fault.Invalid, "in the future"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.svc.Receive(ctx, tc.actor, tc.in)
			wantFault(t, err, tc.code, tc.want)
		})
	}
}

// A receipt that names no ASN still takes goods off the PO's open ASNs,
// oldest first, and an ASN fully taken in is done.
func TestReceiveAgainstPOConsumesOpenASNs(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 100})
	one := []procure.ASNLineInput{{LineRef: procure.LineRef{LineNo: 1}, Quantity: 40}}
	a1, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "S1", Lines: one})
	if err != nil {
		t.Fatal(err)
	}
	a2, err := f.svc.SubmitASN(ctx, f.acmeUser, procure.ASNInput{POID: po.ID, ShipmentID: "S2", Lines: one})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.inTransit(t, "SKU-1"); got != 80 {
		t.Fatalf("in transit %d, want 80", got)
	}
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{recvLine(procure.LineRef{LineNo: 1}, 50)}}); err != nil {
		t.Fatal(err)
	}
	if got := f.inTransit(t, "SKU-1"); got != 30 {
		t.Fatalf("in transit %d, want 30", got)
	}
	g1, _ := f.svc.GetASN(ctx, f.warehouse, a1.ID)
	g2, _ := f.svc.GetASN(ctx, f.warehouse, a2.ID)
	if g1.Status != store.ASNStatusReceived || g2.Status != store.ASNStatusOpen || g2.Lines[0].ReceivedQty != 10 {
		t.Fatalf("asn 1 %s, asn 2 %s with %d received", g1.Status, g2.Status, g2.Lines[0].ReceivedQty)
	}
}

// The draft from a PO lists only open lines, expects their open quantity
// and says how much more the dock may accept under the tolerance.
func TestReceiptDraftFromPO(t *testing.T) {
	f := newRcvFixture(t)
	ctx := context.Background()
	po := f.sentPO(t, f.acme, "", rcvLine{"SKU-1", 100}, rcvLine{"SKU-2", 10}, rcvLine{"SKU-3", 40})
	if _, err := f.svc.Receive(ctx, f.warehouse, procure.ReceiptInput{POID: po.ID, Lines: []procure.ReceiptLineInput{
		recvLine(procure.LineRef{LineNo: 1}, 60), recvLine(procure.LineRef{LineNo: 2}, 10)}}); err != nil {
		t.Fatal(err)
	}
	f.setQtyTolerance(t, f.acme.ID, i64(1000), nil) // 10%
	d, err := f.svc.ReceiptDraftFromPO(ctx, f.warehouse, po.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.PONumber != po.Number || d.ASNID != 0 || len(d.Lines) != 2 {
		t.Fatalf("draft = %+v", d)
	}
	l1, l3 := d.Lines[0], d.Lines[1]
	if l1.LineNo != 1 || l1.Open != 40 || l1.Expected != 40 || l1.Received != 40 || l1.AlreadyIn != 60 || l1.MaxAcceptable != 50 {
		t.Errorf("line 1 = %+v, want open 40, max acceptable 50 (10%% of 100 over)", l1)
	}
	if l3.LineNo != 3 || l3.Open != 40 || l3.MaxAcceptable != 44 {
		t.Errorf("line 3 = %+v", l3)
	}
	// The edited draft books as it stands.
	res, err := f.svc.Receive(ctx, f.warehouse, d.Input())
	if err != nil || res.PO.Status != store.POStatusReceived {
		t.Fatalf("receive draft: %v %s", err, res.PO.Status)
	}
	_, err = f.svc.ReceiptDraftFromPO(ctx, f.acmeUser, po.ID)
	wantFault(t, err, fault.Forbidden, "may not")
}

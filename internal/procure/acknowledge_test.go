package procure_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func (w *flowWorld) supplierActor(sup store.Supplier) store.Actor {
	return store.Actor{Kind: store.ActorUser, ID: 1000 + sup.ID, Label: "clerk@" + sup.Code, Role: store.RoleSupplier, SupplierID: sup.ID, Channel: "portal"}
}

// sentPO is a sent two-line portal PO: 100 mugs at 10.00 and 20 lamps at 20.00.
func (w *flowWorld) sentPO() store.PurchaseOrder {
	w.t.Helper()
	po, err := w.svc.CreateDraft(w.ctx, w.buyer, procure.DraftPO{SupplierID: w.portal.ID, Lines: []procure.DraftLine{
		{ProductID: w.products[0].ID, Quantity: 100}, {ProductID: w.products[1].ID, Quantity: 20}}})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, _, err := w.svc.Submit(w.ctx, w.buyer, po.ID); err != nil {
		w.t.Fatal(err)
	}
	w.drain()
	return w.po(po.ID)
}

func TestAcknowledgeAllLinesStopsTheChase(t *testing.T) {
	w := newFlowWorld(t)
	po := w.sentPO()
	w.advance(3 * time.Hour)
	res, err := w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Reference: "portal:1"})
	if err != nil {
		t.Fatal(err)
	}
	if res.PO.Status != store.POStatusAcknowledged || res.PO.AcknowledgedAt == nil || len(res.Changes) != 0 {
		t.Fatalf("status %s acked %v changes %d", res.PO.Status, res.PO.AcknowledgedAt, len(res.Changes))
	}
	for _, l := range res.PO.Lines {
		if l.AckStatus != store.AckAccepted {
			t.Errorf("line %d ack_status %q", l.LineNo, l.AckStatus)
		}
	}
	if evs := w.events("po.acknowledged"); len(evs) != 1 {
		t.Fatalf("po.acknowledged events = %d", len(evs))
	}
	// A replay of the same reference changes nothing.
	again, err := w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Reference: "portal:1"})
	if err != nil || !again.Replayed || again.Acknowledgement.ID != res.Acknowledgement.ID {
		t.Fatalf("replay: %v %+v", err, again.Acknowledgement)
	}
	if n := w.auditCount(po.ID, "po.acknowledged"); n != 1 {
		t.Fatalf("audit events after replay = %d", n)
	}
	w.advance(48 * time.Hour)
	if res, _ := w.dispatch.Chase(w.ctx); len(res.Chased) != 0 {
		t.Fatalf("an acknowledged PO was chased: %+v", res)
	}
}

func TestSupplierCannotAcknowledgeAnotherSuppliersPO(t *testing.T) {
	w := newFlowWorld(t)
	po := w.sentPO()
	_, errOther := w.svc.Acknowledge(w.ctx, w.supplierActor(w.emailSup), procure.Ack{POID: po.ID})
	_, errMissing := w.svc.Acknowledge(w.ctx, w.supplierActor(w.emailSup), procure.Ack{POID: 999999})
	if faultCode(errOther) != fault.NotFound || errOther.Error() != errMissing.Error() {
		t.Fatalf("other supplier: %v / missing: %v — must be the same NotFound", errOther, errMissing)
	}
	noSupplier := store.Actor{Kind: store.ActorUser, Role: store.RoleSupplier}
	if _, err := w.svc.Acknowledge(w.ctx, noSupplier, procure.Ack{POID: po.ID}); faultCode(err) != fault.NotFound {
		t.Fatalf("supplier actor without supplier: %v", err)
	}
	warehouse := store.Actor{Kind: store.ActorUser, ID: 5, Role: store.RoleWarehouse}
	if _, err := w.svc.Acknowledge(w.ctx, warehouse, procure.Ack{POID: po.ID}); faultCode(err) != fault.Forbidden {
		t.Fatalf("warehouse: %v", err)
	}
	if s := w.po(po.ID).Status; s != store.POStatusSent {
		t.Fatalf("status = %s", s)
	}
}

func TestAcknowledgeRefusesBadInput(t *testing.T) {
	w := newFlowWorld(t)
	draft := w.draft(w.buyer, w.portal, 5)
	sup := w.supplierActor(w.portal)
	if _, err := w.svc.Acknowledge(w.ctx, sup, procure.Ack{POID: draft.ID}); faultCode(err) != fault.Conflict {
		t.Fatalf("ack of a draft: %v", err)
	}
	po := w.sentPO()
	cases := []procure.Ack{
		{POID: po.ID, Lines: []procure.AckLine{{LineNo: 1, Outcome: "maybe"}}},
		{POID: po.ID, Lines: []procure.AckLine{{LineNo: 1, Outcome: "quantity_changed"}}},
		{POID: po.ID, Lines: []procure.AckLine{{LineNo: 1, Outcome: "price_changed", UnitPrice: "abc"}}},
		{POID: po.ID, Lines: []procure.AckLine{{LineNo: 1, Outcome: "date_changed"}}},
		{POID: po.ID, Lines: []procure.AckLine{{LineNo: 1, Outcome: "accepted"}, {LineNo: 1, Outcome: "accepted"}}},
		{POID: po.ID, Lines: []procure.AckLine{{LineNo: 7, Outcome: "accepted"}}},
		{POID: po.ID, RejectAll: true, Lines: []procure.AckLine{{LineNo: 1, Outcome: "accepted"}}},
	}
	for i, c := range cases {
		if _, err := w.svc.Acknowledge(w.ctx, sup, c); faultCode(err) != fault.Invalid {
			t.Errorf("case %d: %v", i, err)
		}
	}
	if s := w.po(po.ID).Status; s != store.POStatusSent {
		t.Fatalf("refused acks changed the status to %s", s)
	}
}

// Line changes wait for the buyer; accepted ones update the PO, countered
// ones carry the buyer's values.
func TestLineChangesWaitForTheBuyer(t *testing.T) {
	w := newFlowWorld(t)
	po := w.sentPO() // line 1: 100 × 10.00, line 2: 20 × 20.00, total 1,400.00
	newDate := flowStart.AddDate(0, 0, 30)
	res, err := w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Reference: "edi:7:1", Lines: []procure.AckLine{
		{LineNo: 1, Outcome: store.AckQuantityChanged, Quantity: 120, Date: &newDate, Note: "full pallets"},
		{LineNo: 2, Outcome: store.AckPriceChanged, UnitPrice: "21.50"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changes) != 3 {
		t.Fatalf("changes = %+v", res.Changes)
	}
	if res.PO.TotalMinor != 140000 || res.PO.Lines[0].Quantity != 100 {
		t.Fatal("changes must not touch the PO before the buyer accepts them")
	}
	if res.PO.Lines[0].AckStatus != store.AckChangesPending || res.PO.Lines[1].AckStatus != store.AckPriceChanged {
		t.Fatalf("line statuses %q %q", res.PO.Lines[0].AckStatus, res.PO.Lines[1].AckStatus)
	}
	byKind := map[string]store.POLineChange{}
	for _, c := range res.Changes {
		byKind[c.Kind] = c
	}
	// A supplier may not resolve changes.
	if _, _, err := w.svc.ResolveChange(w.ctx, w.supplierActor(w.portal), po.ID, byKind[store.AckQuantityChanged].ID, procure.ChangeResolution{Accept: true}); faultCode(err) != fault.Forbidden {
		t.Fatalf("supplier resolving: %v", err)
	}
	got, ch, err := w.svc.ResolveChange(w.ctx, w.buyer, po.ID, byKind[store.AckQuantityChanged].ID, procure.ChangeResolution{Accept: true})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Status != store.ChangeAccepted || got.Lines[0].Quantity != 120 || got.Lines[0].AmountMinor != 120000 || got.TotalMinor != 160000 {
		t.Fatalf("after qty accept: change %s line %+v total %d", ch.Status, got.Lines[0], got.TotalMinor)
	}
	if got.Lines[0].AckStatus != store.AckChangesPending {
		t.Fatalf("line 1 still has its date change pending, status %q", got.Lines[0].AckStatus)
	}
	got, _, err = w.svc.ResolveChange(w.ctx, w.buyer, po.ID, byKind[store.AckDateChanged].ID, procure.ChangeResolution{Accept: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines[0].ExpectedAt == nil || !got.Lines[0].ExpectedAt.Equal(newDate) || got.ExpectedAt == nil || !got.ExpectedAt.Equal(newDate) || got.Lines[0].AckStatus != store.AckAccepted {
		t.Fatalf("after date accept: line %v po %v status %q", got.Lines[0].ExpectedAt, got.ExpectedAt, got.Lines[0].AckStatus)
	}
	// Counter the price: 21.00 instead of 21.50.
	if _, _, err := w.svc.ResolveChange(w.ctx, w.buyer, po.ID, byKind[store.AckPriceChanged].ID, procure.ChangeResolution{UnitPrice: "21.00"}); faultCode(err) != fault.Invalid {
		t.Fatalf("counter without note: %v", err)
	}
	got, ch, err = w.svc.ResolveChange(w.ctx, w.buyer, po.ID, byKind[store.AckPriceChanged].ID, procure.ChangeResolution{UnitPrice: "21.00", Note: "we agreed 21.00 in March"})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Status != store.ChangeCountered || ch.CounterUnitPriceMicros == nil || *ch.CounterUnitPriceMicros != 21_000_000 ||
		got.Lines[1].UnitPriceMicros != 21_000_000 || got.Lines[1].AmountMinor != 42000 || got.Lines[1].AckStatus != store.AckCountered || got.TotalMinor != 162000 {
		t.Fatalf("after counter: change %+v line %+v total %d", ch, got.Lines[1], got.TotalMinor)
	}
	if _, _, err := w.svc.ResolveChange(w.ctx, w.buyer, po.ID, byKind[store.AckPriceChanged].ID, procure.ChangeResolution{Accept: true}); faultCode(err) != fault.Conflict {
		t.Fatalf("resolving twice: %v", err)
	}
	// The supplier is told about the counter by e-mail.
	if n := w.drain(); n != 1 {
		t.Fatalf("jobs after the counter = %d", n)
	}
	msgs := w.smtp.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "orders@acme.test" || !strings.Contains(msgs[0].Subject, po.Number+" line 2") ||
		!strings.Contains(msgs[0].Text, "price changed (unit price 21.50)") || !strings.Contains(msgs[0].Text, "unit price 21.00") ||
		!strings.Contains(msgs[0].Text, "we agreed 21.00 in March") {
		t.Fatalf("counter mail: %+v", msgs)
	}
	// The supplier accepts the counter in a new acknowledgement.
	res, err = w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Reference: "edi:8:1", Lines: []procure.AckLine{{LineNo: 2, Outcome: store.AckAccepted, UnitPrice: "21.00"}}})
	if err != nil || len(res.Changes) != 0 || res.PO.Lines[1].AckStatus != store.AckAccepted {
		t.Fatalf("re-ack: %v %+v", err, res.PO.Lines[1])
	}
	if n := w.auditCount(po.ID, "po.change_accepted"); n != 2 {
		t.Errorf("po.change_accepted events = %d", n)
	}
	if n := len(w.events("po.changed")); n != 3 {
		t.Errorf("po.changed events = %d", n)
	}
}

func TestRejectedAndBackorderedLines(t *testing.T) {
	w := newFlowWorld(t)
	po := w.sentPO()
	later := flowStart.AddDate(0, 2, 0)
	res, err := w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Lines: []procure.AckLine{
		{LineNo: 1, Outcome: store.AckBackordered, Date: &later},
		{LineNo: 2, Outcome: store.AckRejected, Note: "discontinued"},
	}})
	if err != nil || len(res.Changes) != 2 {
		t.Fatalf("%v %+v", err, res.Changes)
	}
	for _, c := range res.Changes {
		if _, _, err := w.svc.ResolveChange(w.ctx, w.buyer, po.ID, c.ID, procure.ChangeResolution{Accept: true}); err != nil {
			t.Fatal(err)
		}
	}
	got := w.po(po.ID)
	if got.Lines[0].ExpectedAt == nil || !got.Lines[0].ExpectedAt.Equal(later) || got.Lines[0].AckStatus != store.AckAccepted {
		t.Fatalf("backordered line %+v", got.Lines[0])
	}
	if got.Lines[1].CancelledQty != 20 || got.Lines[1].AmountMinor != 0 || got.Lines[1].AckStatus != store.AckRejected || got.TotalMinor != 100000 {
		t.Fatalf("rejected line %+v total %d", got.Lines[1], got.TotalMinor)
	}
	if got.Lines[1].OpenQty() != 0 {
		t.Fatalf("a rejected line must not count as on order: open %d", got.Lines[1].OpenQty())
	}
}

func TestRejectAllWaitsForBuyer(t *testing.T) {
	w := newFlowWorld(t)
	po := w.sentPO()
	res, err := w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, RejectAll: true, Note: "closing down"})
	if err != nil || len(res.Changes) != 2 || res.PO.Status != store.POStatusAcknowledged {
		t.Fatalf("%v %d %s", err, len(res.Changes), res.PO.Status)
	}
	pending, err := w.svc.Changes(w.ctx, w.buyer, po.ID, store.ChangePending)
	if err != nil || len(pending) != 2 {
		t.Fatalf("pending %d %v", len(pending), err)
	}
}

func TestOnHoldLineProposesNothing(t *testing.T) {
	w := newFlowWorld(t)
	po := w.sentPO()
	res, err := w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Lines: []procure.AckLine{
		{LineNo: 1, Outcome: store.AckOnHold}, {LineNo: 2, Outcome: store.AckAccepted, Quantity: 20, UnitPrice: "20.00"}}})
	if err != nil || len(res.Changes) != 0 {
		t.Fatalf("%v %+v", err, res.Changes)
	}
	if res.PO.Lines[0].AckStatus != store.AckOnHold || res.PO.Lines[1].AckStatus != store.AckAccepted {
		t.Fatalf("statuses %q %q", res.PO.Lines[0].AckStatus, res.PO.Lines[1].AckStatus)
	}
	// "accepted" with another quantity is still a quantity change.
	res, err = w.svc.Acknowledge(w.ctx, w.supplierActor(w.portal), procure.Ack{POID: po.ID, Lines: []procure.AckLine{
		{LineNo: 2, Outcome: store.AckAccepted, Quantity: 25}}})
	if err != nil || len(res.Changes) != 1 || res.Changes[0].Kind != store.AckQuantityChanged || *res.Changes[0].NewQuantity != 25 || res.PO.Lines[1].AckStatus != store.AckQuantityChanged {
		t.Fatalf("%v %+v", err, res.Changes)
	}
}

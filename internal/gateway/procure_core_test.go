package gateway

import (
	"io"
	"log/slog"
	"testing"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// With the real procure ASN command wired, an 856 becomes an ASN on the
// PO, once: the same command again finds the ASN already recorded.
func TestProcureCoreASNEndToEnd(t *testing.T) {
	fx := newFixture(t)
	svc := procure.New(fx.s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	core := ProcureCore{Service: svc}
	fx.g.SetCore(core)
	if err := fx.s.DB(fx.ctx).Model(&store.PurchaseOrder{}).Where("id = ?", fx.po.ID).Update("status", store.POStatusSent).Error; err != nil {
		t.Fatal(err)
	}
	f := fx.ingest("856.edi", readFixture(t, "856-ship-po1001.edi"))
	if f.Status != store.EDIFileApplied {
		t.Fatalf("file %s %q", f.Status, f.ErrorText)
	}
	row := fx.sets(f.ID)[0]
	if row.Entity != "asn" || row.EntityID == nil {
		t.Fatalf("set %+v", row)
	}
	asns, total, err := fx.s.ASNs(fx.ctx, store.ASNFilter{POID: fx.po.ID}, store.Page{})
	if err != nil || total != 1 || asns[0].ShipmentID != "SHIP-555" || asns[0].ID != *row.EntityID || asns[0].Channel != "edi" {
		t.Fatalf("ASNs %+v (%d) %v", asns, total, err)
	}
	// Replaying the stored command (a crash before the status update) is harmless.
	var cmd ASNCommand
	mustUnmarshal(t, row.CommandJSON, &cmd)
	cmd.Orders[0].POID = fx.po.ID
	again, err := core.SubmitASN(fx.ctx, partnerActor(fx.partner), cmd)
	if err != nil || again.ID != *row.EntityID {
		t.Fatalf("replay: %+v %v", again, err)
	}
	if _, total, _ := fx.s.ASNs(fx.ctx, store.ASNFilter{POID: fx.po.ID}, store.Page{}); total != 1 {
		t.Fatalf("%d ASNs after replay", total)
	}
	// The 855 becomes the PO's acknowledgement with its line changes.
	ack := fx.ingest("855.edi", readFixture(t, "855-ack-po1001.edi"))
	if ack.Status != store.EDIFileApplied || fx.sets(ack.ID)[0].Entity != "po_acknowledgement" {
		t.Fatalf("855: %s %q %s", ack.Status, ack.ErrorText, statusOf(fx.sets(ack.ID)))
	}
	po, err := fx.s.PO(fx.ctx, fx.po.ID, 0)
	if err != nil || po.Status != store.POStatusAcknowledged || po.AcknowledgedAt == nil {
		t.Fatalf("PO after 855: %s %v", po.Status, err)
	}
	var ackCmd AckCommand
	mustUnmarshal(t, fx.sets(ack.ID)[0].CommandJSON, &ackCmd)
	ackCmd.POID = fx.po.ID
	replay, err := core.Acknowledge(fx.ctx, partnerActor(fx.partner), ackCmd)
	if err != nil || replay.ID != *fx.sets(ack.ID)[0].EntityID {
		t.Fatalf("855 replay: %+v %v", replay, err)
	}
	// The 810 becomes an invoice, matched against the PO; once.
	inv := fx.ingest("810.edi", readFixture(t, "810-invoice-po1001.edi"))
	row = fx.sets(inv.ID)[0]
	if inv.Status != store.EDIFileApplied || row.Entity != "invoice" || row.EntityID == nil {
		t.Fatalf("810: %s %q %s", inv.Status, inv.ErrorText, statusOf(fx.sets(inv.ID)))
	}
	var invCmd InvoiceCommand
	mustUnmarshal(t, row.CommandJSON, &invCmd)
	invCmd.POID = fx.po.ID
	again2, err := core.SubmitInvoice(fx.ctx, partnerActor(fx.partner), invCmd)
	if err != nil || again2.ID != *row.EntityID {
		t.Fatalf("810 replay: %+v %v", again2, err)
	}
	var n int64
	fx.s.DB(fx.ctx).Model(&store.Invoice{}).Where("supplier_id = ?", fx.partner.SupplierID).Count(&n)
	if n != 1 {
		t.Fatalf("%d invoices after replay", n)
	}
}

func TestAckOfMapsOutcomes(t *testing.T) {
	price := int64(2_200_000)
	cmd := AckCommand{POID: 7, SourceRef: "edi:1:1", AckType: "AC", SupplierOrderNumber: "SO-1", Lines: []AckLineCommand{
		{LineNo: 1, Outcome: LineAccepted, Quantity: 300},
		{LineNo: 2, Outcome: LineQuantityChanged, Quantity: 10, Backordered: 2},
		{LineNo: 3, Outcome: LinePriceChanged, UnitPriceMicros: &price},
		{LineNo: 4, Outcome: LineOnHold},
		{LineNo: 5, Outcome: LineAccepted, Backordered: 4},
	}}
	ack := AckOf(cmd)
	if ack.POID != 7 || ack.Reference != "edi:1:1" || ack.RejectAll || len(ack.Lines) != 4 {
		t.Fatalf("ack %+v", ack)
	}
	want := []struct {
		no      int
		outcome string
		qty     int64
		price   int64
	}{{1, LineAccepted, 0, 0}, {2, LineQuantityChanged, 10, 0}, {3, LinePriceChanged, 0, price}, {5, LineBackordered, 0, 0}}
	for i, w := range want {
		l := ack.Lines[i]
		if l.LineNo != w.no || l.Outcome != w.outcome || l.Quantity != w.qty || l.UnitPriceMicros != w.price {
			t.Errorf("line %d = %+v, want %+v", i, l, w)
		}
	}
	if rej := AckOf(AckCommand{Rejected: true, Lines: cmd.Lines}); !rej.RejectAll || len(rej.Lines) != 0 {
		t.Fatalf("rejection %+v", rej)
	}
}

// An ASN the core refuses (the PO is not out with the supplier yet) becomes
// an exception with the core's reason, not a retry loop.
func TestProcureCoreRefusalIsException(t *testing.T) {
	fx := newFixture(t)
	fx.g.SetCore(ProcureCore{Service: procure.New(fx.s, slog.New(slog.NewTextHandler(io.Discard, nil)))})
	f := fx.ingest("856.edi", readFixture(t, "856-ship-po1001.edi"))
	row := fx.sets(f.ID)[0]
	if f.Status != store.EDIFileFailed || row.Status != store.EDITxException || row.NextAttemptAt != nil {
		t.Fatalf("file %s, set %s %q", f.Status, row.Status, row.ErrorText)
	}
}

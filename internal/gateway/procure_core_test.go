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
	// Acknowledgements and invoices wait for their commands.
	ack := fx.ingest("855.edi", readFixture(t, "855-ack-po1001.edi"))
	if ack.Status != store.EDIFileParsed || fx.sets(ack.ID)[0].Status != store.EDITxMapped {
		t.Fatalf("855 with no command: %s %s", ack.Status, statusOf(fx.sets(ack.ID)))
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

package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

var buyer = store.Actor{Kind: store.ActorUser, ID: 1, Label: "buyer@test", Role: store.RoleBuyer, Channel: "api"}

// The 850 reads back with the edi package: envelope from the partner
// profile, our SKUs and the supplier's parts, exact prices, the total.
func TestSend850RendersFromProfile(t *testing.T) {
	fx := newFixture(t)
	sent, err := fx.g.Send850(fx.ctx, buyer, fx.po.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := sent.File
	if f.Kind != "850" || f.Direction != store.EDIOutbound || *f.ControlNumber != 1 || *f.POID != fx.po.ID ||
		f.AckStatus != store.EDIAckAwaiting || !f.AckDueAt.Equal(fx.now.Add(24*time.Hour)) {
		t.Fatalf("file %+v", f)
	}
	parsed, err := edi.Parse(bytes.NewReader(sent.Bytes))
	if err != nil || !parsed.Valid() {
		t.Fatalf("our 850 does not read back clean: %v %+v\n%s", err, parsed, sent.Bytes)
	}
	ic := parsed.Interchanges[0]
	if ic.SenderID != "BRAND" || ic.ReceiverID != "ACMESUPPLY" || ic.ControlNumber != "000000001" || ic.Groups[0].ControlNumber != "1" {
		t.Fatalf("envelope %+v", ic)
	}
	po := ic.Groups[0].Transactions[0].Document.(*edi.PO850)
	if po.PONumber != "PO-1001" || len(po.Lines) != 2 || po.Total.String() != "757.5" {
		t.Fatalf("850 %+v", po)
	}
	l := po.Lines[0]
	if l.BuyerPart != "SKU-1" || l.VendorPart != "AC-100" || l.Quantity.String() != "300" || l.UnitPrice.String() != "2.125" ||
		len(l.Dates) != 1 || l.Dates[0].Date.String() != "2026-12-11" {
		t.Fatalf("line 1 %+v", l)
	}
	if names := fx.outboxFiles(); len(names) != 1 || names[0] != f.Filename {
		t.Fatalf("outbox %v", names)
	}
	raw, err := fx.s.EDIFileRaw(fx.ctx, f.ID, fx.partner.SupplierID)
	if err != nil || !bytes.Equal(raw, sent.Bytes) {
		t.Fatal("stored 850 differs from the one written")
	}
}

func TestSend850Refusals(t *testing.T) {
	fx := newFixture(t)
	draft := fx.addPO(fx.partner.SupplierID, "PO-DRAFT")
	fx.s.DB(fx.ctx).Model(&store.PurchaseOrder{}).Where("id = ?", draft.ID).Update("status", store.POStatusDraft)
	if _, err := fx.g.Send850(fx.ctx, buyer, draft.ID); !fault.Is(err, fault.Conflict) {
		t.Fatalf("draft: %v", err)
	}
	sup := &store.Supplier{Code: "MAIL", Name: "Mail", Currency: "EUR", AckSLAHours: 24, BackorderPolicy: store.BackorderCreate, Channel: store.ChannelEmail}
	if err := fx.s.CreateSupplier(fx.ctx, store.System("test"), sup); err != nil {
		t.Fatal(err)
	}
	noEDI := fx.addPO(sup.ID, "PO-MAIL")
	if _, err := fx.g.Send850(fx.ctx, buyer, noEDI.ID); !fault.Is(err, fault.Unprocessable) {
		t.Fatalf("no partner: %v", err)
	}
	if _, err := fx.g.Send850(fx.ctx, buyer, 999999); !fault.Is(err, fault.NotFound) {
		t.Fatalf("missing PO: %v", err)
	}
}

// partner997 is what the partner sends back about our group.
func partner997(isa13 int, group int64, ak9 string, ak5 string) []byte {
	return []byte(fmt.Sprintf(`ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*BRAND          *261201*1000*U*00401*%09d*0*P*>~
GS*FA*ACMESUPPLY*BRAND*20261201*1000*%d*X*004010~
ST*997*0001~
AK1*PO*%d~
AK2*850*0001~
AK5*%s~
AK9*%s*1*1*%d~
SE*6*0001~
GE*1*%d~
IEA*1*%09d~
`, isa13, isa13, group, ak5, ak9, map[string]int{"A": 1, "R": 0}[ak9], isa13, isa13))
}

// A rejecting 997 flags the PO's 850; an accepting one marks it accepted.
func TestInbound997MarksOur850(t *testing.T) {
	fx := newFixture(t)
	first, err := fx.g.Send850(fx.ctx, buyer, fx.po.ID)
	if err != nil {
		t.Fatal(err)
	}
	second, err := fx.g.Send850(fx.ctx, buyer, fx.po.ID)
	if err != nil {
		t.Fatal(err)
	}
	f := fx.ingest("997-a.edi", partner997(900, *first.File.ControlNumber, "R", "R*5"))
	if f.Status != store.EDIFileApplied || f.Kind != "997" {
		t.Fatalf("997 file %s %q", f.Status, f.ErrorText)
	}
	got := fx.file(first.File.ID)
	if got.AckStatus != store.EDIAckRejected || got.FlaggedAt == nil || !strings.Contains(got.FlagReason, "rejected") {
		t.Fatalf("850 after rejecting 997: %s %v %q", got.AckStatus, got.FlaggedAt, got.FlagReason)
	}
	flagged, _, err := fx.s.EDIFiles(fx.ctx, store.EDIFileFilter{POID: fx.po.ID, Flagged: true}, store.Page{})
	if err != nil || len(flagged) != 1 {
		t.Fatalf("flagged files of the PO: %d %v", len(flagged), err)
	}
	events, err := fx.s.AuditFor(fx.ctx, "purchase_order", fx.po.ID, 0, store.Page{})
	if err != nil || !hasAction(events, "po.edi_flagged") {
		t.Fatalf("no po.edi_flagged audit event: %v", err)
	}
	// We never answer a 997 with a 997.
	if files, _, _ := fx.s.EDIFiles(fx.ctx, store.EDIFileFilter{Direction: store.EDIOutbound, Kind: "997"}, store.Page{}); len(files) != 0 {
		t.Fatalf("answered a 997 with %d 997s", len(files))
	}
	fx.ingest("997-b.edi", partner997(901, *second.File.ControlNumber, "A", "A"))
	if got := fx.file(second.File.ID); got.AckStatus != store.EDIAckAccepted || got.FlaggedAt != nil || got.AckedAt == nil {
		t.Fatalf("850 after accepting 997: %s %v", got.AckStatus, got.FlaggedAt)
	}
	// The overdue check leaves answered files alone.
	fx.advance(48 * time.Hour)
	if err := fx.g.CheckAckWindows(fx.ctx); err != nil {
		t.Fatal(err)
	}
	if got := fx.file(second.File.ID); got.AckStatus != store.EDIAckAccepted {
		t.Fatalf("accepted 850 became %s", got.AckStatus)
	}
	// A 997 for a group we never sent is kept, marked ignored.
	stray := fx.ingest("997-c.edi", partner997(902, 777, "A", "A"))
	if rows := fx.sets(stray.ID); rows[0].Status != store.EDITxIgnored || !strings.Contains(rows[0].ErrorText, "never sent") {
		t.Fatalf("stray 997: %s", statusOf(rows))
	}
}

func hasAction(events []store.AuditEvent, action string) bool {
	for _, e := range events {
		if e.Action == action {
			return true
		}
	}
	return false
}

// No 997 within the partner's window: the 850 is flagged overdue.
func TestAckWindowOverdue(t *testing.T) {
	fx := newFixture(t)
	sent, err := fx.g.Send850(fx.ctx, buyer, fx.po.ID)
	if err != nil {
		t.Fatal(err)
	}
	fx.advance(23 * time.Hour)
	if err := fx.g.Tick(fx.ctx); err != nil {
		t.Fatal(err)
	}
	if got := fx.file(sent.File.ID); got.AckStatus != store.EDIAckAwaiting || got.FlaggedAt != nil {
		t.Fatalf("flagged inside the window: %s", got.AckStatus)
	}
	fx.advance(2 * time.Hour)
	if err := fx.g.Tick(fx.ctx); err != nil {
		t.Fatal(err)
	}
	got := fx.file(sent.File.ID)
	if got.AckStatus != store.EDIAckOverdue || got.FlaggedAt == nil || !strings.Contains(got.FlagReason, "no 997") {
		t.Fatalf("after the window: %s %q", got.AckStatus, got.FlagReason)
	}
}

// Control numbers handed out by concurrent sends and 997s are all
// distinct, match what is in each file, and follow on from each other.
func TestControlNumbersNeverReusedUnderConcurrency(t *testing.T) {
	fx := newFixture(t)
	const workers, each = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each+workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if w == 0 && i%2 == 0 {
					// Interleave inbound files whose 997s draw from the same counter.
					raw := bytes.Replace(readFixture(t, "855-ack-po1001.edi"), []byte("000000202"), []byte(fmt.Sprintf("%09d", 5000+i)), 2)
					if _, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload}, "855.edi", raw); err != nil {
						errs <- err
					}
					continue
				}
				if _, err := fx.g.Send850(fx.ctx, buyer, fx.po.ID); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	files, total, err := fx.s.EDIFiles(fx.ctx, store.EDIFileFilter{Direction: store.EDIOutbound}, store.Page{Size: 200})
	if err != nil {
		t.Fatal(err)
	}
	if total != workers*each {
		t.Fatalf("%d outbound files, want %d", total, workers*each)
	}
	seen := map[int64]bool{}
	for _, f := range files {
		n := *f.ControlNumber
		if seen[n] {
			t.Fatalf("control number %d used twice", n)
		}
		seen[n] = true
		raw, _ := fx.s.EDIFileRaw(fx.ctx, f.ID, 0)
		parsed, _ := edi.Parse(bytes.NewReader(raw))
		if got, _ := strconv.ParseInt(parsed.Interchanges[0].ControlNumber, 10, 64); got != n {
			t.Fatalf("file %d says ISA13 %d, recorded %d", f.ID, got, n)
		}
	}
	for n := int64(1); n <= workers*each; n++ {
		if !seen[n] {
			t.Fatalf("control number %d skipped: %v", n, seen)
		}
	}
	p, _ := fx.s.EDIPartnerByID(fx.ctx, fx.partner.ID)
	if p.NextControl != workers*each+1 {
		t.Fatalf("next control %d", p.NextControl)
	}
}

// The dispatch step renders inside its own transaction: a rolled-back send
// leaves no file, no outbox copy and no control number used.
func TestRender850InCallersTransaction(t *testing.T) {
	var _ procure.EDIRenderer = (*Gateway)(nil)
	fx := newFixture(t)
	var sup store.Supplier
	if err := fx.s.DB(fx.ctx).Where("id = ?", fx.partner.SupplierID).Take(&sup).Error; err != nil {
		t.Fatal(err)
	}
	rollback := errors.New("send failed later")
	err := fx.s.InTx(fx.ctx, func(tx *store.Tx) error {
		if _, err := fx.g.Render850(fx.ctx, tx, fx.po, sup); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if files, _, _ := fx.s.EDIFiles(fx.ctx, store.EDIFileFilter{Direction: store.EDIOutbound}, store.Page{}); len(files) != 0 {
		t.Fatalf("rolled-back send left %d files", len(files))
	}
	if names := fx.outboxFiles(); len(names) != 0 {
		t.Fatalf("rolled-back send left %v in the outbox", names)
	}
	var ref string
	err = fx.s.InTx(fx.ctx, func(tx *store.Tx) error {
		var err error
		ref, err = fx.g.Render850(fx.ctx, tx, fx.po, sup)
		return err
	})
	if err != nil || !strings.HasPrefix(ref, "850 ISA13 1 ") {
		t.Fatalf("ref %q, %v", ref, err)
	}
	if names := fx.outboxFiles(); len(names) != 1 || !strings.HasPrefix(names[0], "850-PO-1001-000000001") {
		t.Fatalf("outbox %v", names)
	}
}

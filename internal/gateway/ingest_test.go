package gateway

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/store"
)

// A clean 855 is stored, parsed, mapped to the acknowledgement command
// exactly once, and answered with an accepting 997 in the outbox.
func TestIngest855AppliesAndWrites997(t *testing.T) {
	fx := newFixture(t)
	raw := readFixture(t, "855-ack-po1001.edi")
	f := fx.ingest("855.edi", raw)
	if f.Status != store.EDIFileApplied || f.ErrorText != "" {
		t.Fatalf("file status %s, error %q", f.Status, f.ErrorText)
	}
	if f.PartnerID == nil || *f.PartnerID != fx.partner.ID || f.SupplierID == nil || *f.SupplierID != fx.partner.SupplierID {
		t.Fatalf("file partner/supplier = %v/%v", f.PartnerID, f.SupplierID)
	}
	stored, err := fx.s.EDIFileRaw(fx.ctx, f.ID, 0)
	if err != nil || !bytes.Equal(stored, raw) {
		t.Fatalf("stored bytes differ from received (%v)", err)
	}
	rows := fx.sets(f.ID)
	if len(rows) != 1 || rows[0].Status != store.EDITxApplied || rows[0].Reference != "PO-1001" || rows[0].Entity != "purchase_order" {
		t.Fatalf("sets = %+v", rows)
	}
	if acks, _, _ := fx.core.counts(); acks != 1 {
		t.Fatalf("acknowledge applied %d times", acks)
	}
	cmd := fx.core.acks[0]
	if cmd.POID != fx.po.ID || cmd.SupplierID != fx.partner.SupplierID || cmd.SupplierOrderNumber != "SO-77" {
		t.Fatalf("command = %+v", cmd)
	}
	l2 := cmd.Lines[1]
	if l2.LineNo != 2 || l2.Outcome != LineQuantityChanged || l2.Quantity != 10 || l2.Backordered != 2 {
		t.Fatalf("line 2 = %+v", l2)
	}
	out, x12 := fx.ackOf(f.ID)
	if out.Kind != "997" || out.ControlNumber == nil || *out.ControlNumber != 1 {
		t.Fatalf("997 file = %+v", out)
	}
	for _, want := range []string{"ST*997*0001", "AK1*PR*202", "AK2*855*0001", "AK5*A", "AK9*A*1*1*1"} {
		if !hasSegment(x12, want) {
			t.Errorf("997 lacks %s:\n%s", want, x12)
		}
	}
	if !strings.Contains(x12, "*ZZ*BRAND          *ZZ*ACMESUPPLY     *") {
		t.Errorf("997 not addressed from us to the partner:\n%s", x12)
	}
	if names := fx.outboxFiles(); len(names) != 1 || names[0] != out.Filename {
		t.Fatalf("outbox = %v, want [%s]", names, out.Filename)
	}
	// Processing the same file again changes nothing.
	if err := fx.g.Process(fx.ctx, f.ID, Source{Kind: SourceUpload}); err != nil {
		t.Fatal(err)
	}
	if fx.core.calls != 1 || len(fx.outboxFiles()) != 1 {
		t.Fatalf("re-processing called the core %d times, outbox %v", fx.core.calls, fx.outboxFiles())
	}
}

// The same bytes twice, and the same (sender, ISA13) with other bytes
// within the window, are duplicates: stored and visible, never applied
// again, no second 997. After the window the ISA13 may come again.
func TestDuplicateFile(t *testing.T) {
	fx := newFixture(t)
	raw := readFixture(t, "856-ship-po1001.edi")
	first := fx.ingest("856.edi", raw)
	if first.Status != store.EDIFileApplied {
		t.Fatalf("first: %s %q", first.Status, first.ErrorText)
	}
	again := fx.ingest("856-again.edi", raw)
	if again.Status != store.EDIFileDuplicate || again.DuplicateOf == nil || *again.DuplicateOf != first.ID ||
		!strings.Contains(again.ErrorText, "same content") {
		t.Fatalf("second: %s dup_of=%v %q", again.Status, again.DuplicateOf, again.ErrorText)
	}
	// Same interchange, re-sent with CRLF line ends: other bytes, same ISA13.
	crlf := bytes.ReplaceAll(raw, []byte("~\n"), []byte("~\r\n"))
	fx.advance(24 * time.Hour)
	third := fx.ingest("856-crlf.edi", crlf)
	if third.Status != store.EDIFileDuplicate || !strings.Contains(third.ErrorText, "interchange control number 000000303") {
		t.Fatalf("third: %s %q", third.Status, third.ErrorText)
	}
	if _, asns, _ := fx.core.counts(); asns != 1 || fx.core.calls != 1 {
		t.Fatalf("ASN applied %d times (%d calls)", asns, fx.core.calls)
	}
	if len(fx.sets(again.ID)) != 0 || len(fx.sets(third.ID)) != 0 {
		t.Fatal("duplicates recorded sets")
	}
	if n := len(fx.outboxFiles()); n != 1 {
		t.Fatalf("%d acknowledgements in the outbox, want 1", n)
	}
	// Outside the window the control number identifies a new interchange
	// (partners wrap around); identical bytes stay a duplicate for ever.
	fx.advance(91 * 24 * time.Hour)
	fourth := fx.ingest("856-later.edi", crlf)
	if fourth.Status == store.EDIFileDuplicate {
		t.Fatalf("ISA13 reuse after the window treated as duplicate: %q", fourth.ErrorText)
	}
	fifth := fx.ingest("856-same-bytes.edi", raw)
	if fifth.Status != store.EDIFileDuplicate {
		t.Fatalf("identical bytes after the window: %s", fifth.Status)
	}
}

// An 856 for a PO that does not exist is parked, retried on schedule, and
// becomes an exception after the last try; the core is never called.
func TestUnknownPOParkedRetriedThenException(t *testing.T) {
	fx := newFixture(t)
	f := fx.ingest("856-unknown.edi", readFixture(t, "856-unknown-po.edi"))
	if f.Status != store.EDIFileParked {
		t.Fatalf("file %s %q", f.Status, f.ErrorText)
	}
	rows := fx.sets(f.ID)
	if rows[0].Status != store.EDITxParked || rows[0].Attempts != 1 || !strings.Contains(rows[0].ErrorText, "PO-9999") {
		t.Fatalf("set = %+v", rows[0])
	}
	// The 997 accepts it: the file is fine, only the PO is missing.
	if _, x12 := fx.ackOf(f.ID); !hasSegment(x12, "AK9*A") {
		t.Fatalf("997:\n%s", x12)
	}
	// Not due yet: nothing happens.
	if err := fx.g.RetryDue(fx.ctx); err != nil {
		t.Fatal(err)
	}
	if got := fx.sets(f.ID)[0].Attempts; got != 1 {
		t.Fatalf("retried before due: attempts %d", got)
	}
	for try := 2; try <= fx.g.tries; try++ {
		fx.advance(fx.g.every + time.Second)
		if err := fx.g.RetryDue(fx.ctx); err != nil {
			t.Fatal(err)
		}
		r := fx.sets(f.ID)[0]
		if r.Attempts != try || r.Status != store.EDITxParked {
			t.Fatalf("after retry %d: %s attempts %d", try, r.Status, r.Attempts)
		}
	}
	fx.advance(fx.g.every + time.Second)
	if err := fx.g.Tick(fx.ctx); err != nil {
		t.Fatal(err)
	}
	r := fx.sets(f.ID)[0]
	if r.Status != store.EDITxException || !strings.Contains(r.ErrorText, "exception after 6 tries") {
		t.Fatalf("final: %s %q", r.Status, r.ErrorText)
	}
	if got := fx.file(f.ID); got.Status != store.EDIFileFailed || !strings.Contains(got.ErrorText, "PO-9999") {
		t.Fatalf("file: %s %q", got.Status, got.ErrorText)
	}
	if fx.core.calls != 0 {
		t.Fatalf("core called %d times for an unknown PO", fx.core.calls)
	}
	// Nothing is due any more.
	fx.advance(24 * time.Hour)
	if err := fx.g.RetryDue(fx.ctx); err != nil {
		t.Fatal(err)
	}
	if got := fx.sets(f.ID)[0]; got.Attempts != r.Attempts {
		t.Fatalf("exception retried: %d", got.Attempts)
	}
}

// A parked 856 whose PO turns up is applied once on the next retry.
func TestParkedASNAppliedWhenPOArrives(t *testing.T) {
	fx := newFixture(t)
	f := fx.ingest("856-unknown.edi", readFixture(t, "856-unknown-po.edi"))
	if f.Status != store.EDIFileParked {
		t.Fatalf("file %s", f.Status)
	}
	po := fx.addPO(fx.partner.SupplierID, "PO-9999")
	fx.advance(fx.g.every + time.Second)
	for i := 0; i < 3; i++ {
		if err := fx.g.Tick(fx.ctx); err != nil {
			t.Fatal(err)
		}
		fx.advance(fx.g.every + time.Second)
	}
	if got := fx.file(f.ID); got.Status != store.EDIFileApplied || got.ErrorText != "" {
		t.Fatalf("file %s %q", got.Status, got.ErrorText)
	}
	if _, asns, _ := fx.core.counts(); asns != 1 || fx.core.calls != 1 || fx.core.asns[0].Orders[0].POID != po.ID {
		t.Fatalf("ASN applied %d times, %d calls: %+v", asns, fx.core.calls, fx.core.asns)
	}
}

// Another supplier's PO number is as unknown as a missing one.
func TestASNForOtherSuppliersPOIsParked(t *testing.T) {
	fx := newFixture(t)
	other := fx.addPartner("OTHER", "OTHERSUPPLY", "BRAND")
	fx.addPO(other.SupplierID, "PO-9999")
	f := fx.ingest("856.edi", readFixture(t, "856-unknown-po.edi"))
	if f.Status != store.EDIFileParked || fx.core.calls != 0 {
		t.Fatalf("file %s, core calls %d", f.Status, fx.core.calls)
	}
}

// A negative quantity rejects the set: the 997 says AK5 R with an AK4
// on the quantity, the file fails with the reason, nothing is applied.
func TestNegativeQuantityRejected(t *testing.T) {
	fx := newFixture(t)
	f := fx.ingest("810.edi", readFixture(t, "810-negative-qty.edi"))
	if f.Status != store.EDIFileFailed || !strings.Contains(f.ErrorText, "negative") {
		t.Fatalf("file %s %q", f.Status, f.ErrorText)
	}
	rows := fx.sets(f.ID)
	if rows[0].Status != store.EDITxRejected || rows[0].CommandJSON != "" {
		t.Fatalf("set %+v", rows[0])
	}
	_, x12 := fx.ackOf(f.ID)
	for _, want := range []string{"AK2*810*0001", "AK3*IT1*", "AK4*2*", "AK5*R", "AK9*R*1*1*0"} {
		if !hasSegment(x12, want) {
			t.Errorf("997 lacks %s:\n%s", want, x12)
		}
	}
	if fx.core.calls != 0 {
		t.Fatal("a rejected invoice reached the core")
	}
	// The same file again is a duplicate, not a second rejection.
	if again := fx.ingest("810.edi", readFixture(t, "810-negative-qty.edi")); again.Status != store.EDIFileDuplicate {
		t.Fatalf("again: %s", again.Status)
	}
}

// 20240230 is not a date: the set is rejected with AK4 code 8 on BSN03.
func TestInvalidDateRejected(t *testing.T) {
	fx := newFixture(t)
	f := fx.ingest("856.edi", readFixture(t, "856-invalid-date.edi"))
	if f.Status != store.EDIFileFailed || !strings.Contains(f.ErrorText, "20240230") {
		t.Fatalf("file %s %q", f.Status, f.ErrorText)
	}
	_, x12 := fx.ackOf(f.ID)
	for _, want := range []string{"AK3*BSN*2", "AK4*3**8*20240230", "AK5*R", "AK9*R"} {
		if !hasSegment(x12, want) {
			t.Errorf("997 lacks %s:\n%s", want, x12)
		}
	}
	if fx.core.calls != 0 {
		t.Fatal("a rejected ASN reached the core")
	}
}

// A file claiming another sender than its channel proves is refused; a
// file from an unknown sender fails visibly; garbage fails visibly.
func TestSenderChecks(t *testing.T) {
	fx := newFixture(t)
	other := fx.addPartner("OTHER", "OTHERSUPPLY", "BRAND")
	raw := readFixture(t, "855-ack-po1001.edi")
	f, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceSFTP, PartnerID: other.ID}, "855.edi", raw)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != store.EDIFileFailed || !strings.Contains(f.ErrorText, "not the partner") {
		t.Fatalf("spoofed sender: %s %q", f.Status, f.ErrorText)
	}
	f, err = fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload, SupplierID: other.SupplierID}, "855.edi", raw)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != store.EDIFileFailed || *f.SupplierID != other.SupplierID {
		t.Fatalf("upload by another supplier: %s %q", f.Status, f.ErrorText)
	}
	unknown := bytes.ReplaceAll(raw, []byte("ACMESUPPLY     "), []byte("NOBODY         "))
	f = fx.ingest("unknown.edi", unknown)
	if f.Status != store.EDIFileFailed || !strings.Contains(f.ErrorText, "unknown sender ZZ/NOBODY") {
		t.Fatalf("unknown sender: %s %q", f.Status, f.ErrorText)
	}
	f = fx.ingest("notes.txt", []byte("hello, this is not EDI"))
	if f.Status != store.EDIFileFailed || !strings.Contains(f.ErrorText, "not an X12 interchange") {
		t.Fatalf("garbage: %s %q", f.Status, f.ErrorText)
	}
	if fx.core.calls != 0 {
		t.Fatal("refused files reached the core")
	}
}

// With no core wired, sets are mapped and kept; wiring the core later
// applies them on the next tick.
func TestMappedUntilCoreIsWired(t *testing.T) {
	fx := newFixture(t)
	fx.g.SetCore(nil)
	f := fx.ingest("810.edi", readFixture(t, "810-invoice-po1001.edi"))
	if f.Status != store.EDIFileParsed || fx.sets(f.ID)[0].Status != store.EDITxMapped {
		t.Fatalf("file %s, sets %s", f.Status, statusOf(fx.sets(f.ID)))
	}
	fx.g.SetCore(fx.core)
	fx.advance(fx.g.every + time.Second)
	if err := fx.g.Tick(fx.ctx); err != nil {
		t.Fatal(err)
	}
	if got := fx.file(f.ID); got.Status != store.EDIFileApplied {
		t.Fatalf("after wiring: %s %q", got.Status, got.ErrorText)
	}
	inv := fx.core.invs[0]
	if inv.TotalMinor != 55750 || inv.Lines[0].AmountMinor != 42500 || inv.Lines[1].AmountMinor != 12000 ||
		len(inv.Charges) != 1 || inv.Charges[0].AmountMinor != 1250 || inv.Currency != "EUR" {
		t.Fatalf("invoice command = %+v", inv)
	}
}

// Every sample of the shared corpus goes through the pipeline without an
// error: stored byte for byte, ending in a final state, answered when it
// has groups; sent twice it is a duplicate.
func TestSamplesThroughPipeline(t *testing.T) {
	root := samplesDir(t)
	fx := newFixture(t)
	var files []string
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".edi") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) < 50 {
		t.Fatalf("only %d samples found in %s", len(files), root)
	}
	partners := map[string]bool{"ZZ/ACMESUPPLY": true}
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		parsed, _ := edi.Parse(bytes.NewReader(raw))
		if parsed != nil && len(parsed.Interchanges) > 0 {
			ic := parsed.Interchanges[0]
			key := ic.SenderQualifier + "/" + ic.SenderID
			if !partners[key] && ic.SenderID != "" {
				partners[key] = true
				p := fx.addPartner("S"+strconv.Itoa(len(partners)), ic.SenderID, ic.ReceiverID)
				if ic.SenderQualifier != "ZZ" {
					fx.s.DB(fx.ctx).Model(&store.EDIPartner{}).Where("id = ?", p.ID).Update("isa_qualifier", ic.SenderQualifier)
				}
			}
		}
		name := filepath.Base(path)
		f, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload}, name, raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		stored, _ := fx.s.EDIFileRaw(fx.ctx, f.ID, 0)
		if !bytes.Equal(stored, raw) {
			t.Errorf("%s: stored bytes differ", name)
		}
		switch f.Status {
		case store.EDIFileApplied, store.EDIFileFailed, store.EDIFileParked, store.EDIFileParsed, store.EDIFileDuplicate:
		default:
			t.Errorf("%s: left %s", name, f.Status)
		}
		if f.Status == store.EDIFileFailed && f.ErrorText == "" {
			t.Errorf("%s: failed without a reason", name)
		}
		again, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload}, name, raw)
		if err != nil || (f.Status != store.EDIFileFailed && again.Status != store.EDIFileDuplicate) {
			t.Errorf("%s: second copy %s (%v)", name, again.Status, err)
		}
	}
}

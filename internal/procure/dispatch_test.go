package procure_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

// approved makes an auto-approved PO for sup with its send job queued.
func (w *flowWorld) approved(sup store.Supplier, mugs int64) store.PurchaseOrder {
	w.t.Helper()
	po := w.draft(w.buyer, sup, mugs)
	got, dec, err := w.svc.Submit(w.ctx, w.buyer, po.ID)
	if err != nil || !dec.Auto {
		w.t.Fatalf("submit: %v %+v", err, dec)
	}
	return got
}

func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("the PO PDF does not open: %v", err)
	}
	tr, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEmailSupplierGetsPOWithPDF(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.emailSup, 120) // 1,200.00
	if n := w.drain(); n != 1 {
		t.Fatalf("jobs = %d", n)
	}
	msgs := w.smtp.Messages()
	if len(msgs) != 1 {
		t.Fatalf("e-mails received = %d, want 1", len(msgs))
	}
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "sales@mailco.test" || !strings.Contains(m.Subject, po.Number) {
		t.Fatalf("mail to %v subject %q", m.To, m.Subject)
	}
	if !strings.Contains(m.Text, "1200.00 USD") || !strings.Contains(m.Text, "within 24 hours") {
		t.Errorf("text = %q", m.Text)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != po.Number+".pdf" || m.Attachments[0].ContentType != "application/pdf" {
		t.Fatalf("attachments = %+v", m.Attachments)
	}
	text := pdfText(t, m.Attachments[0].Data)
	for _, want := range []string{"Purchase order " + po.Number, "Mail Order Supplies", "MAILCO-MUG-1", "120 EA", "10.00", "1200.00", "1200.00 USD"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
	got := w.po(po.ID)
	if got.Status != store.POStatusSent || got.SentAt == nil {
		t.Fatalf("status %s", got.Status)
	}
	ds, wf, err := w.svc.Dispatches(w.ctx, w.buyer, po.ID)
	if err != nil || len(ds) != 1 || ds[0].Outcome != store.DispatchSent || ds[0].Reference != "email:sales@mailco.test" || wf.LastDispatchError != "" {
		t.Fatalf("dispatches %+v wf %+v err %v", ds, wf, err)
	}
}

func TestEDISupplierGets850InOutbox(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.ediSup, 30)
	if n := w.drain(); n != 1 {
		t.Fatalf("jobs = %d", n)
	}
	files, _ := filepath.Glob(filepath.Join(w.outbox, "EDIWORKS", "850_*.x12"))
	if len(files) != 1 {
		t.Fatalf("850 files = %v", files)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	f, err := edi.Parse(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("our 850 does not parse: %v\n%s", err, raw)
	}
	if !f.Valid() {
		t.Fatalf("our 850 is not valid:\n%s", raw)
	}
	doc, ok := f.Interchanges[0].Groups[0].Transactions[0].Document.(*edi.PO850)
	if !ok {
		t.Fatalf("document is %T", f.Interchanges[0].Groups[0].Transactions[0].Document)
	}
	if doc.PONumber != po.Number || len(doc.Lines) != 1 || doc.Lines[0].Quantity.String() != "30" || doc.Lines[0].UnitPrice.String() != "10" ||
		doc.Lines[0].VendorPart != "EDIWORKS-MUG-1" || doc.Total.String() != "300" {
		t.Fatalf("850 = %+v line %+v", doc, doc.Lines)
	}
	if ic := f.Interchanges[0].ControlNumber; ic != "000000001" {
		t.Errorf("ISA13 = %q, want the partner's first control number", ic)
	}
	// The next 850 takes the next control number.
	w.approved(w.ediSup, 5)
	w.drain()
	files, _ = filepath.Glob(filepath.Join(w.outbox, "EDIWORKS", "850_*_000000002.x12"))
	if len(files) != 1 {
		t.Fatalf("second 850 with control 2: %v", files)
	}
}

func TestPortalSupplierSeesSentPO(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.portal, 10)
	w.drain()
	supplier := store.Actor{Kind: store.ActorUser, ID: 77, Role: store.RoleSupplier, SupplierID: w.portal.ID}
	got, err := w.svc.GetPO(w.ctx, supplier, po.ID)
	if err != nil || got.Status != store.POStatusSent {
		t.Fatalf("supplier view: %v %s", err, got.Status)
	}
	if len(w.smtp.Messages()) != 0 {
		t.Fatal("a portal supplier must not be e-mailed the PO")
	}
	if evs := w.events("po.sent"); len(evs) != 1 {
		t.Fatalf("po.sent events = %d", len(evs))
	}
}

// Two workers sending the same PO at the same moment deliver it once.
func TestConcurrentSendsSendOnce(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.emailSup, 50)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = w.dispatch.Send(context.Background(), po.ID)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil && !errors.Is(err, procure.ErrDispatchInProgress) {
			t.Fatalf("sender %d: %v", i, err)
		}
	}
	// Every later attempt (the queued job too) sees it sent and does nothing.
	w.drain()
	if err := w.dispatch.Send(w.ctx, po.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(w.smtp.Messages()); n != 1 {
		t.Fatalf("e-mails received = %d, want exactly 1", n)
	}
	if n := w.auditCount(po.ID, "po.sent"); n != 1 {
		t.Fatalf("po.sent audit events = %d", n)
	}
	got := w.po(po.ID)
	if got.Status != store.POStatusSent || got.SentAt == nil {
		t.Fatalf("status %s sent_at %v", got.Status, got.SentAt)
	}
	ds, _, _ := w.svc.Dispatches(w.ctx, w.buyer, po.ID)
	sent := 0
	for _, d := range ds {
		if d.Outcome == store.DispatchSent {
			sent++
		}
	}
	if sent != 1 {
		t.Fatalf("sent attempts = %d of %d", sent, len(ds))
	}
}

func TestFailedSendIsVisibleAndRetried(t *testing.T) {
	w := newFlowWorld(t)
	po := w.approved(w.emailSup, 50)
	w.smtp.FailNext(1)
	err := w.dispatch.Send(w.ctx, po.ID)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("first send: %v", err)
	}
	wf, err := w.st.POWorkflowOf(w.ctx, po.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if wf.DispatchAttempts != 1 || !strings.Contains(wf.LastDispatchError, "451") || wf.DispatchClaimedUntil != nil {
		t.Fatalf("after failure: %+v", wf)
	}
	if s := w.po(po.ID).Status; s != store.POStatusApproved {
		t.Fatalf("status after a failed send = %s", s)
	}
	if n := w.auditCount(po.ID, "po.send_failed"); n != 1 {
		t.Fatalf("po.send_failed events = %d", n)
	}
	w.advance(time.Minute)
	if err := w.dispatch.Send(w.ctx, po.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	wf, _ = w.st.POWorkflowOf(w.ctx, po.ID, 0)
	if wf.DispatchAttempts != 2 || wf.LastDispatchError != "" {
		t.Fatalf("after retry: %+v", wf)
	}
	ds, _, _ := w.svc.Dispatches(w.ctx, w.buyer, po.ID)
	if len(ds) != 2 || ds[0].Outcome != store.DispatchSent || ds[1].Outcome != store.DispatchFailed || !strings.Contains(ds[1].Error, "451") {
		t.Fatalf("attempts %+v", ds)
	}
	if n := len(w.smtp.Messages()); n != 1 {
		t.Fatalf("e-mails = %d", n)
	}
}

func TestEDISupplierWithoutRendererFailsVisibly(t *testing.T) {
	w := newFlowWorld(t)
	w.dispatch.EDI = nil
	po := w.approved(w.ediSup, 5)
	if err := w.dispatch.Send(w.ctx, po.ID); err == nil {
		t.Fatal("an EDI send without a renderer must fail")
	}
	wf, _ := w.st.POWorkflowOf(w.ctx, po.ID, 0)
	if !strings.Contains(wf.LastDispatchError, "no EDI renderer") {
		t.Fatalf("last error %q", wf.LastDispatchError)
	}
}

func TestPOPDFIsDeterministic(t *testing.T) {
	po := store.PurchaseOrder{Number: "PO-000007", Currency: "KWD", TotalMinor: 12345, CreatedAt: flowStart,
		Lines: []store.POLine{{LineNo: 1, SupplierPart: "X-1", Description: "Brass lamp — large", Quantity: 3, Unit: "EA", UnitPriceMicros: 4_115_000, AmountMinor: 12345}}}
	a, err := procure.RenderPOPDF(po, store.Supplier{Name: "Gulf Trading", Code: "GT"}, store.DefaultBrand())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := procure.RenderPOPDF(po, store.Supplier{Name: "Gulf Trading", Code: "GT"}, store.DefaultBrand())
	if !bytes.Equal(a, b) {
		t.Fatal("the same PO rendered to different bytes")
	}
	text := pdfText(t, a)
	for _, want := range []string{"PO-000007", "12.345 KWD", "4.115", "Brass lamp"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF lacks %q:\n%s", want, text)
		}
	}
}

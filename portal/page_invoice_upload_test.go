package portal

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/docs"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/xuri/excelize/v2"
)

// extractChildEnv makes this test binary act as the extraction child: the
// upload handler re-executes the test binary, as `pogate serve`
// re-executes pogate with the hidden child subcommand. init runs before
// TestMain, so the child never starts the test suite.
const extractChildEnv = "POGATE_PORTAL_EXTRACT_CHILD"

func init() {
	if os.Getenv(extractChildEnv) == "1" {
		os.Exit(docs.RunChild(context.Background(), os.Stdin, os.Stdout, os.Stderr, os.Args[1:]))
	}
	invoiceExtractRunner = &docs.Runner{Path: os.Args[0], Env: []string{extractChildEnv + "=1"}}
	// Uploading and confirming an invoice are supplier actions (the
	// router-enumerating 403 sweep must not expect a refusal for them).
	supplierPostSuffixes = append(supplierPostSuffixes, "/invoice/upload", "/invoice/confirm")
}

// corpusInvoice is one generated invoice of internal/docs/testdata/corpus
// with its expected values.
type corpusInvoice struct {
	File          string `json:"file"`
	InvoiceNumber string `json:"invoice_number"`
	InvoiceDate   string `json:"invoice_date"`
	PONumber      string `json:"po_number"`
	Currency      string `json:"currency"`
	Lines         []struct {
		VendorPart  string `json:"vendor_part"`
		Description string `json:"description"`
		Quantity    string `json:"quantity"`
		UnitPrice   string `json:"unit_price"`
		Amount      string `json:"amount"`
	} `json:"lines"`
	Tax   string `json:"tax"`
	Total string `json:"total"`
}

const corpusDir = "../internal/docs/testdata/corpus"

func loadCorpusInvoice(t *testing.T, file string) (corpusInvoice, []byte) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []corpusInvoice
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, ci := range all {
		if ci.File == file {
			data, err := os.ReadFile(filepath.Join(corpusDir, file))
			if err != nil {
				t.Fatal(err)
			}
			return ci, data
		}
	}
	t.Fatalf("%s not in the corpus", file)
	return corpusInvoice{}, nil
}

// makePO inserts a sent PO of supplier code with the given number and
// lines (supplier part, quantity, unit price), on real demo products.
func (e *webEnv) makePO(code, number, currency string, lines [][3]string) store.PurchaseOrder {
	e.t.Helper()
	ctx := context.Background()
	var products []store.Product
	if err := e.store.DB(ctx).Order("id").Limit(len(lines)).Find(&products).Error; err != nil || len(products) < len(lines) {
		e.t.Fatalf("products: %v", err)
	}
	po := store.PurchaseOrder{Number: number, SupplierID: e.sup[code].ID, Currency: currency}
	for i, l := range lines {
		q, _ := strconv.ParseInt(l[1], 10, 64)
		price, err := docs.UnitPriceMicros(l[2])
		if err != nil {
			e.t.Fatal(err)
		}
		po.Lines = append(po.Lines, store.POLine{ProductID: products[i].ID, SupplierPart: l[0], Description: "item " + l[0],
			Quantity: q, Unit: "EA", UnitsPerPurchaseUnit: 1, UnitPriceMicros: price})
	}
	if err := e.store.InTx(ctx, func(tx *store.Tx) error { return tx.InsertPO(&po) }); err != nil {
		e.t.Fatal(err)
	}
	e.setPOStatus(po.ID, store.POStatusPendingApproval, store.POStatusApproved, store.POStatusSent)
	got, err := e.store.PO(ctx, po.ID, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

func (e *webEnv) corpusPO(code string, ci corpusInvoice) store.PurchaseOrder {
	var lines [][3]string
	for _, l := range ci.Lines {
		lines = append(lines, [3]string{l.VendorPart, l.Quantity, l.UnitPrice})
	}
	return e.makePO(code, ci.PONumber, ci.Currency, lines)
}

// upload posts one file to the invoice upload page of a PO.
func (c *client) uploadInvoice(poID int64, filename string, data []byte) response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", filename)
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.env.ts.URL+poInvoicePath(poID, "upload"), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

var docIDRe = regexp.MustCompile(`document=(\d+)`)

func documentIDOf(t *testing.T, location string) int64 {
	t.Helper()
	m := docIDRe.FindStringSubmatch(location)
	if m == nil {
		t.Fatalf("no document id in %q", location)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// confirmForm is the confirm page's form as the page pre-fills it, read
// from the stored draft the way the page does.
func (e *webEnv) confirmForm(docID int64, po store.PurchaseOrder) url.Values {
	e.t.Helper()
	doc, err := e.store.Document(context.Background(), docID, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := procure.DocumentExtraction(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	cd := confirmDataOf(po, doc, res.Draft)
	f := url.Values{"document_id": {strconv.FormatInt(docID, 10)}, "lines": {strconv.Itoa(len(cd.Lines))}}
	for _, h := range cd.Fields {
		f.Set(h.Name, h.Value)
	}
	for _, l := range cd.Lines {
		k := strconv.Itoa(l.Index)
		f.Set("part_"+k, l.Part)
		f.Set("desc_"+k, l.Description)
		f.Set("qty_"+k, l.Qty)
		f.Set("price_"+k, l.Price)
		f.Set("amount_"+k, l.Amount)
		f.Set("poline_"+k, strconv.FormatInt(l.POLineID, 10))
	}
	for _, ch := range cd.Charges {
		f.Set("charge_"+strconv.Itoa(ch.Index), ch.Amount)
	}
	return f
}

func (e *webEnv) invoiceOf(location string) store.Invoice {
	e.t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(location, "/invoices/"), 10, 64)
	if err != nil {
		e.t.Fatalf("not an invoice page: %q", location)
	}
	var inv store.Invoice
	if err := e.store.DB(context.Background()).Take(&inv, id).Error; err != nil {
		e.t.Fatal(err)
	}
	return inv
}

// receiveAll marks every line of a PO received in full (plain writes: the
// receiving command is exercised elsewhere; matching only reads the
// quantities).
func (e *webEnv) receiveAll(po store.PurchaseOrder) {
	e.t.Helper()
	for _, l := range po.Lines {
		if err := e.store.DB(context.Background()).Model(&store.POLine{}).Where("id = ?", l.ID).Update("received_qty", l.Quantity).Error; err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestInvoiceUploadPDF: a supplier uploads a generated PDF invoice; the
// original is stored with its hash before parsing; the confirm page shows
// the extracted values with the uncertain ones highlighted and located;
// a wrong correction is refused with the arithmetic; the corrected,
// confirmed draft becomes an invoice linked to the document, matched
// against the PO; the supplier's layout hints are learned; uploading the
// same file again is recognised.
func TestInvoiceUploadPDF(t *testing.T) {
	e := newWebEnv(t)
	ci, data := loadCorpusInvoice(t, "c01-fpdf-right-usd.pdf")
	po := e.corpusPO("ACME", ci)
	e.receiveAll(po)
	acme := e.signIn("acme@demo.pogate")

	started := time.Now()
	res := acme.uploadInvoice(po.ID, "invoice.pdf", data)
	if res.status != http.StatusSeeOther || !strings.Contains(res.location, "/invoice/confirm?document=") {
		t.Fatalf("upload: %d %q\n%.500s", res.status, res.location, res.body)
	}
	t.Logf("upload and isolated extraction answered in %s", time.Since(started).Round(time.Millisecond))
	docID := documentIDOf(t, res.location)
	doc, err := e.store.Document(context.Background(), docID, e.sup["ACME"].ID)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := e.store.DocumentBytes(context.Background(), docID)
	if err != nil || !bytes.Equal(raw, data) {
		t.Fatalf("stored original differs from the upload (%v)", err)
	}
	if doc.Kind != "pdf" || doc.ContentType != "application/pdf" || doc.Filename != "invoice.pdf" || len(doc.SHA256) != 64 || doc.Status != store.DocumentExtracted {
		t.Fatalf("document row: %+v", doc)
	}

	page := acme.follow(res)
	if page.status != http.StatusOK {
		t.Fatalf("confirm page: %d\n%.500s", page.status, page.body)
	}
	for _, want := range []string{ci.InvoiceNumber, ci.Lines[0].VendorPart, "<mark>", "page 1", "The order's lines"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("confirm page lacks %q", want)
		}
	}

	form := e.confirmForm(docID, po)
	// A correction that does not add up is refused with the arithmetic.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("amount_1", "1419.68")
	if r := acme.post(poInvoicePath(po.ID, "confirm"), bad); r.status != http.StatusBadRequest || !strings.Contains(r.body, "not 1419.68") {
		t.Fatalf("wrong amount: %d\n%.800s", r.status, r.body)
	}

	// One correction (the due date) and every uncertain field ticked as
	// checked: the invoice is certain and, the goods being received,
	// matched.
	form.Set("due_date", "2026-12-31")
	cd := confirmDataOf(po, doc, mustDraft(t, e, docID))
	for _, f := range cd.Fields {
		if f.Uncertain {
			form.Set("ok_"+f.Name, "1")
		}
	}
	r := acme.post(poInvoicePath(po.ID, "confirm"), form)
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/invoices/") {
		t.Fatalf("confirm: %d %q\n%.800s", r.status, r.location, r.body)
	}
	inv := e.invoiceOf(r.location)
	if inv.SourceRef != "document:"+strconv.FormatInt(docID, 10) || inv.Source != "pdf" || inv.Number != ci.InvoiceNumber || inv.UnconfidentFields != "" {
		t.Errorf("invoice: source %q ref %q number %q unconfident %q", inv.Source, inv.SourceRef, inv.Number, inv.UnconfidentFields)
	}
	if inv.DueDate == nil || inv.DueDate.Format("2006-01-02") != "2026-12-31" {
		t.Errorf("the corrected due date was not kept: %v", inv.DueDate)
	}
	if inv.Status != store.InvoiceMatched {
		t.Errorf("invoice status %s (%s), want matched", inv.Status, inv.MatchReasons)
	}
	shown := acme.follow(r)
	if !strings.Contains(shown.body, ci.InvoiceNumber) || !strings.Contains(shown.body, "matched") {
		t.Errorf("invoice page does not show the status:\n%.500s", shown.body)
	}
	doc, _ = e.store.Document(context.Background(), docID, 0)
	if doc.Status != store.DocumentSubmitted || doc.InvoiceID == nil || *doc.InvoiceID != inv.ID {
		t.Errorf("document after submit: %+v", doc)
	}
	hints, err := e.svc.SupplierHints(context.Background(), e.sup["ACME"].ID)
	if err != nil || hints == nil || hints.Version != docs.HintsVersion {
		t.Errorf("layout hints not learned: %+v %v", hints, err)
	}

	// The same file again: recognised, sent to the invoice, nothing new.
	again := acme.uploadInvoice(po.ID, "copy.pdf", data)
	if again.status != http.StatusSeeOther || again.location != r.location {
		t.Fatalf("duplicate upload: %d %q", again.status, again.location)
	}
	if p := acme.follow(again); !strings.Contains(p.body, "already uploaded") {
		t.Errorf("duplicate upload not explained")
	}
	var n int64
	e.store.DB(context.Background()).Model(&store.Invoice{}).Where("supplier_id = ?", e.sup["ACME"].ID).Count(&n)
	if n != 1 {
		t.Errorf("%d invoices after a duplicate upload, want 1", n)
	}
	var docsN int64
	e.store.DB(context.Background()).Model(&store.Document{}).Count(&docsN)
	if docsN != 1 {
		t.Errorf("%d documents after a duplicate upload, want 1", docsN)
	}
}

func mustDraft(t *testing.T, e *webEnv, docID int64) docs.Draft {
	t.Helper()
	doc, err := e.store.Document(context.Background(), docID, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := procure.DocumentExtraction(doc)
	if err != nil {
		t.Fatal(err)
	}
	return res.Draft
}

// TestInvoiceUploadUncertainGoesToReview: an uncertain field the supplier
// neither corrects nor ticks goes with the invoice as unconfident, and the
// invoice lands in exception with that reason shown.
func TestInvoiceUploadUncertainGoesToReview(t *testing.T) {
	e := newWebEnv(t)
	ci, data := loadCorpusInvoice(t, "c01-fpdf-right-usd.pdf")
	po := e.corpusPO("ACME", ci)
	e.receiveAll(po)
	acme := e.signIn("acme@demo.pogate")
	res := acme.uploadInvoice(po.ID, "invoice.pdf", data)
	if res.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.500s", res.status, res.body)
	}
	docID := documentIDOf(t, res.location)
	cd := confirmDataOf(po, store.Document{}, mustDraft(t, e, docID))
	var uncertain []string
	for _, f := range cd.Fields {
		if f.Uncertain {
			uncertain = append(uncertain, headerDraftName(f.Name))
		}
	}
	if len(uncertain) == 0 {
		t.Skip("the extractor is certain of every field of this invoice; nothing to leave unchecked")
	}
	r := acme.post(poInvoicePath(po.ID, "confirm"), e.confirmForm(docID, po))
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.800s", r.status, r.body)
	}
	inv := e.invoiceOf(r.location)
	if inv.Status != store.InvoiceException || inv.UnconfidentFields != strings.Join(uncertain, ",") {
		t.Errorf("status %s, unconfident %q (want exception, %v)", inv.Status, inv.UnconfidentFields, uncertain)
	}
	if p := acme.follow(r); !strings.Contains(p.body, uncertain[0]) {
		t.Errorf("the invoice page does not say which field was uncertain:\n%.800s", p.body)
	}
}

// TestInvoiceTemplateRoundTrip: the per-PO XLSX template downloads, is
// filled in like a supplier would and uploads back exactly.
func TestInvoiceTemplateRoundTrip(t *testing.T) {
	e := newWebEnv(t)
	po := e.makePO("ACME", "PO-TPL-1", "USD", [][3]string{{"AC-1", "10", "2.50"}, {"AC-2", "3", "19.99"}})
	acme := e.signIn("acme@demo.pogate")
	dl := acme.get(poInvoicePath(po.ID, "template.xlsx"))
	if dl.status != http.StatusOK || !strings.Contains(dl.header.Get("Content-Disposition"), "invoice-PO-TPL-1.xlsx") {
		t.Fatalf("template: %d %v", dl.status, dl.header)
	}
	f, err := excelize.OpenReader(strings.NewReader(dl.body))
	if err != nil {
		t.Fatal(err)
	}
	set := func(ref string, v any) {
		if err := f.SetCellValue("Invoice", ref, v); err != nil {
			t.Fatal(err)
		}
	}
	set("B3", "TPL-0001")
	set("B4", "2026-11-20")
	set("F3", "12.00") // freight
	set("F5", "0")
	set("F10", "25.00")
	set("F11", "59.97")
	set("F6", "96.97") // 25.00 + 59.97 + 12.00 freight + 0 tax
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	res := acme.uploadInvoice(po.ID, "filled.xlsx", buf.Bytes())
	if res.status != http.StatusSeeOther {
		t.Fatalf("upload template: %d\n%.800s", res.status, res.body)
	}
	docID := documentIDOf(t, res.location)
	d := mustDraft(t, e, docID)
	if !d.Source.Template || d.InvoiceNumber != "TPL-0001" || d.InvoiceDate != "2026-11-20" || d.Total != "96.97" || len(d.Lines) != 2 ||
		d.Lines[0].Quantity != "10" || d.Lines[1].UnitPrice != "19.99" || d.Lines[1].Amount != "59.97" {
		t.Fatalf("template read back: %+v", d)
	}
	cd := confirmDataOf(po, store.Document{}, d)
	for _, f := range cd.Fields {
		if f.Uncertain && f.Name != "due_date" {
			t.Errorf("template field %s uncertain (%d%%)", f.Name, f.Confidence)
		}
	}
	if cd.Lines[0].POLineID != po.Lines[0].ID || cd.Lines[1].POLineID != po.Lines[1].ID {
		t.Errorf("template lines not paired with the PO lines: %+v", cd.Lines)
	}
	r := acme.post(poInvoicePath(po.ID, "confirm"), e.confirmForm(docID, po))
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.800s", r.status, r.body)
	}
	inv := e.invoiceOf(r.location)
	if inv.Source != "xlsx" || inv.TotalMinor != 9697 || inv.ChargesMinor != 1200 || inv.UnconfidentFields != "" {
		t.Errorf("invoice from template: %+v", inv)
	}
}

// test810 is a minimal valid 810 for a PO.
func test810(poNumber, invoiceNumber string) string {
	segs := []string{
		"ISA*00*          *00*          *ZZ*ACME           *ZZ*POGATE         *261120*1200*U*00401*000000101*0*P*>",
		"GS*IN*ACME*POGATE*20261120*1200*101*X*004010",
		"ST*810*0001",
		"BIG*20261120*" + invoiceNumber + "**" + poNumber,
		"CUR*SE*USD",
		"IT1*1*10*EA*2.5**VP*AC-1",
		"IT1*2*3*EA*19.99**VP*AC-2",
		"TDS*8497",
		"CTT*2",
		"SE*8*0001",
		"GE*1*101",
		"IEA*1*000000101",
	}
	return strings.Join(segs, "~\n") + "~\n"
}

// TestInvoiceUpload810: an 810 uploaded in the portal goes through the
// gateway's mapping and is submitted at once, linked to its document; an
// 810 for another PO is refused and kept.
func TestInvoiceUpload810(t *testing.T) {
	e := newWebEnv(t)
	po := e.makePO("ACME", "PO-EDI-1", "USD", [][3]string{{"AC-1", "10", "2.50"}, {"AC-2", "3", "19.99"}})
	acme := e.signIn("acme@demo.pogate")
	res := acme.uploadInvoice(po.ID, "inv.txt", []byte(test810("PO-EDI-1", "EDI-INV-1")))
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/invoices/") {
		t.Fatalf("810 upload: %d %q\n%.800s", res.status, res.location, res.body)
	}
	inv := e.invoiceOf(res.location)
	if inv.Source != "edi" || !strings.HasPrefix(inv.SourceRef, "document:") || inv.TotalMinor != 8497 || inv.Number != "EDI-INV-1" || inv.POID == nil || *inv.POID != po.ID {
		t.Errorf("invoice from 810: %+v", inv)
	}
	other := acme.uploadInvoice(po.ID, "other.edi", []byte(test810("PO-ELSEWHERE", "EDI-INV-2")))
	if other.status != http.StatusUnprocessableEntity || !strings.Contains(other.body, "PO-ELSEWHERE") {
		t.Fatalf("810 for another PO: %d\n%.800s", other.status, other.body)
	}
	var kept store.Document
	if err := e.store.DB(context.Background()).Where("filename = ?", "other.edi").Take(&kept).Error; err != nil || kept.Status != store.DocumentUnreadable {
		t.Errorf("refused 810 not kept as unreadable: %+v %v", kept, err)
	}
}

// TestInvoiceUploadRefusals: a hostile PDF is refused with a clear message,
// kept and marked unreadable, and the server keeps answering; a file whose
// extension lies is refused before it is stored; another supplier's PO is
// the same 404 as a missing one; accounts payable may upload on the
// supplier's behalf.
func TestInvoiceUploadRefusals(t *testing.T) {
	e := newWebEnv(t)
	ci, data := loadCorpusInvoice(t, "c01-fpdf-right-usd.pdf")
	po := e.corpusPO("ACME", ci)
	acme := e.signIn("acme@demo.pogate")

	hostile, err := os.ReadFile("../internal/docs/testdata/hostile/aes256.pdf")
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	r := acme.uploadInvoice(po.ID, "locked.pdf", hostile)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "could not be read") {
		t.Fatalf("encrypted PDF: %d\n%.800s", r.status, r.body)
	}
	t.Logf("encrypted PDF refused in %s", time.Since(started).Round(time.Millisecond))
	var kept store.Document
	if err := e.store.DB(context.Background()).Where("filename = ?", "locked.pdf").Take(&kept).Error; err != nil ||
		kept.Status != store.DocumentUnreadable || kept.Reason == "" {
		t.Fatalf("hostile file not kept as unreadable: %+v %v", kept, err)
	}
	// A PDF crafted to crash the reader: the child dies, the server answers.
	crash := []byte("%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [2 0 R] /Count 1 >>\nendobj\ntrailer\n<< /Root 1 0 R /Size 3 >>\n%%EOF\n")
	if r := acme.uploadInvoice(po.ID, "loop.pdf", crash); r.status != http.StatusUnprocessableEntity {
		t.Errorf("looping PDF: %d\n%.500s", r.status, r.body)
	}
	if h := acme.get("/healthz"); h.status != http.StatusOK {
		t.Errorf("server after hostile uploads: %d", h.status)
	}
	if p := acme.get(poInvoicePath(po.ID, "upload")); p.status != http.StatusOK {
		t.Errorf("upload page after hostile uploads: %d", p.status)
	}

	// An XLSX zip bomb: 100 MB of worksheet in about 100 KB of upload.
	bomb := zipBomb(t, 100<<20)
	started = time.Now()
	if r := acme.uploadInvoice(po.ID, "bomb.xlsx", bomb); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "could not be read") {
		t.Errorf("zip bomb: %d\n%.500s", r.status, r.body)
	}
	t.Logf("%d-byte zip bomb refused in %s", len(bomb), time.Since(started).Round(time.Millisecond))
	// Over the upload limit: 413 before anything is stored.
	if r := acme.uploadInvoice(po.ID, "huge.pdf", append([]byte("%PDF-1.7\n"), make([]byte, 3<<20)...)); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize upload: %d", r.status)
	}

	var before int64
	e.store.DB(context.Background()).Model(&store.Document{}).Count(&before)
	lying := acme.uploadInvoice(po.ID, "invoice.pdf", []byte("PK\x03\x04 not a pdf at all"))
	if lying.status != http.StatusBadRequest || !strings.Contains(lying.body, "is named .pdf but its content is") {
		t.Errorf("lying extension: %d\n%.500s", lying.status, lying.body)
	}
	exe := acme.uploadInvoice(po.ID, "invoice.xlsx", []byte("MZ\x90\x00\x03\x00\x00\x00binary"))
	if exe.status != http.StatusBadRequest {
		t.Errorf("binary named .xlsx: %d", exe.status)
	}
	var after int64
	e.store.DB(context.Background()).Model(&store.Document{}).Count(&after)
	if after != before {
		t.Errorf("a refused upload was stored")
	}

	// Another supplier's PO answers like a missing one, on every route.
	other := e.signIn("ediworks@demo.pogate")
	for _, leaf := range []string{"upload", "template.xlsx", "confirm?document=1"} {
		got := other.get(poInvoicePath(po.ID, leaf))
		missing := other.get(poInvoicePath(missingID, leaf))
		if got.status != http.StatusNotFound || got.status != missing.status || strings.Contains(got.body, po.Number) {
			t.Errorf("other supplier GET %s: %d (missing: %d)", leaf, got.status, missing.status)
		}
	}
	if got := other.uploadInvoice(po.ID, "invoice.pdf", data); got.status != http.StatusNotFound {
		t.Errorf("other supplier upload: %d", got.status)
	}
	// Another supplier cannot confirm ACME's document through its own PO.
	theirs := e.poOf("EDIWORKS")
	if got := other.post(poInvoicePath(theirs.ID, "confirm"), url.Values{"document_id": {strconv.FormatInt(kept.ID, 10)}}); got.status != http.StatusNotFound {
		t.Errorf("other supplier confirming ACME's document: %d", got.status)
	}

	// Accounts payable uploads on ACME's behalf.
	ap := e.signIn("ap@demo.pogate")
	up := ap.uploadInvoice(po.ID, "from-ap.pdf", data)
	if up.status != http.StatusSeeOther {
		t.Fatalf("AP upload: %d\n%.500s", up.status, up.body)
	}
	apDoc := documentIDOf(t, up.location)
	doc, err := e.store.Document(context.Background(), apDoc, e.sup["ACME"].ID)
	if err != nil || doc.UploadedBy == "" {
		t.Errorf("AP's upload is not ACME's document: %+v %v", doc, err)
	}
	form := e.confirmForm(apDoc, po)
	done := ap.post(poInvoicePath(po.ID, "confirm"), form)
	if done.status != http.StatusSeeOther {
		t.Fatalf("AP confirms on ACME's behalf: %d\n%.800s", done.status, done.body)
	}
	if inv := e.invoiceOf(done.location); inv.SupplierID != e.sup["ACME"].ID {
		t.Errorf("invoice confirmed by AP belongs to supplier %d", inv.SupplierID)
	}
}

// zipBomb is a workbook whose one worksheet unpacks to size bytes.
func zipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"xl/workbook.xml":     `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="S" sheetId="1"/></sheets></workbook>`,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(body))
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for written := 0; written < size; written += len(chunk) {
		w.Write(chunk)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestInvoiceUploadLearnsLayout: the first invoice of a supplier with odd
// labels is read without number, date or lines; the supplier types them in
// on the confirm page (blank rows for the missed lines); the next invoice
// from the same supplier, in the same layout, is read right using what
// the corrections taught. The PO page lists the uploaded files and the
// original downloads byte for byte.
func TestInvoiceUploadLearnsLayout(t *testing.T) {
	e := newWebEnv(t)
	first, firstData := loadHintsInvoice(t, "h1-odd-labels-first.pdf")
	next, nextData := loadHintsInvoice(t, "h2-odd-labels-next.pdf")
	po1, po2 := e.corpusPO("ACME", first), e.corpusPO("ACME", next)
	acme := e.signIn("acme@demo.pogate")

	res := acme.uploadInvoice(po1.ID, "first.pdf", firstData)
	if res.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.500s", res.status, res.body)
	}
	docID := documentIDOf(t, res.location)
	d := mustDraft(t, e, docID)
	if d.InvoiceNumber != "" || len(d.Lines) != 0 {
		t.Skipf("the extractor now reads %s unaided; this test needs an invoice it cannot", first.File)
	}
	form := e.confirmForm(docID, po1)
	form.Set("number", first.InvoiceNumber)
	form.Set("date", first.InvoiceDate)
	form.Set("ok_currency", "1")
	for i, l := range first.Lines {
		k := strconv.Itoa(i)
		form.Set("part_"+k, l.VendorPart)
		form.Set("desc_"+k, l.Description)
		form.Set("qty_"+k, l.Quantity)
		form.Set("price_"+k, l.UnitPrice)
		form.Set("amount_"+k, l.Amount)
	}
	r := acme.post(poInvoicePath(po1.ID, "confirm"), form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm with typed-in lines: %d\n%.1500s", r.status, r.body)
	}
	inv := e.invoiceOf(r.location)
	if len(first.Lines) != 6 || inv.Number != first.InvoiceNumber {
		t.Fatalf("invoice from corrected draft: %+v", inv)
	}

	res = acme.uploadInvoice(po2.ID, "next.pdf", nextData)
	if res.status != http.StatusSeeOther {
		t.Fatalf("second upload: %d\n%.500s", res.status, res.body)
	}
	d2 := mustDraft(t, e, documentIDOf(t, res.location))
	if !d2.Source.Hinted || d2.InvoiceNumber != next.InvoiceNumber || d2.InvoiceDate != next.InvoiceDate || len(d2.Lines) != len(next.Lines) {
		t.Errorf("second invoice not read with the learned layout: hinted %v number %q date %q lines %d (want %q %q %d)",
			d2.Source.Hinted, d2.InvoiceNumber, d2.InvoiceDate, len(d2.Lines), next.InvoiceNumber, next.InvoiceDate, len(next.Lines))
	}
	if page := acme.follow(res); !strings.Contains(page.body, "Read with what we learned") {
		t.Errorf("confirm page does not say hints were used")
	}

	poPage := acme.get("/pos/" + strconv.FormatInt(po1.ID, 10))
	if !strings.Contains(poPage.body, "Uploaded invoice files") || !strings.Contains(poPage.body, "first.pdf") {
		t.Errorf("PO page does not list the uploaded file")
	}
	orig := acme.get(poInvoicePath(po1.ID, "original") + "?document=" + strconv.FormatInt(docID, 10))
	if orig.status != http.StatusOK || orig.body != string(firstData) || orig.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("original download: %d %q, %d bytes", orig.status, orig.header.Get("Content-Type"), len(orig.body))
	}
	other := e.signIn("ediworks@demo.pogate")
	if got := other.get(poInvoicePath(po1.ID, "original") + "?document=" + strconv.FormatInt(docID, 10)); got.status != http.StatusNotFound {
		t.Errorf("other supplier downloads ACME's original: %d", got.status)
	}
}

func loadHintsInvoice(t *testing.T, file string) (corpusInvoice, []byte) {
	t.Helper()
	dir := "../internal/docs/testdata/hints"
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []corpusInvoice
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	for _, ci := range all {
		if ci.File == file {
			data, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			return ci, data
		}
	}
	t.Fatalf("%s not in %s", file, dir)
	return corpusInvoice{}, nil
}

// TestInvoiceUploadNamesAnotherPO: a file naming another order than the
// page's is flagged on the confirm page; left unticked, the PO number goes
// with the invoice as unconfident, so accounts payable checks it.
func TestInvoiceUploadNamesAnotherPO(t *testing.T) {
	e := newWebEnv(t)
	ci, data := loadCorpusInvoice(t, "c01-fpdf-right-usd.pdf")
	ci.PONumber = "PO-NOT-THE-FILES"
	po := e.corpusPO("ACME", ci)
	acme := e.signIn("acme@demo.pogate")
	res := acme.uploadInvoice(po.ID, "invoice.pdf", data)
	if res.status != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%.500s", res.status, res.body)
	}
	docID := documentIDOf(t, res.location)
	if page := acme.follow(res); !strings.Contains(page.body, "The file names purchase order <strong>PO-536499</strong>") {
		t.Errorf("confirm page does not flag the other PO number")
	}
	form := e.confirmForm(docID, po)
	form.Set("ok_currency", "1")
	r := acme.post(poInvoicePath(po.ID, "confirm"), form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.800s", r.status, r.body)
	}
	if inv := e.invoiceOf(r.location); !strings.Contains(inv.UnconfidentFields, "po_number") || inv.Status != store.InvoiceException {
		t.Errorf("invoice naming another PO: status %s, unconfident %q", inv.Status, inv.UnconfidentFields)
	}
}

// TestInvoiceUploadHangingReader: a file that makes the reader hang costs
// only its own request: the child is killed at the wall clock, the file
// is kept as unreadable with the reason, and while it hangs the server
// answers other requests at once.
func TestInvoiceUploadHangingReader(t *testing.T) {
	e := newWebEnv(t)
	ci, data := loadCorpusInvoice(t, "c01-fpdf-right-usd.pdf")
	po := e.corpusPO("ACME", ci)
	acme := e.signIn("acme@demo.pogate")
	// The child stands in for a reader stuck on a crafted file.
	prevRunner, prevTimeout := invoiceExtractRunner, invoiceExtractTimeout
	invoiceExtractRunner = &docs.Runner{Path: "/bin/sh", Args: []string{"-c", "sleep 30", "hang"}}
	invoiceExtractTimeout = 4 * time.Second
	t.Cleanup(func() { invoiceExtractRunner, invoiceExtractTimeout = prevRunner, prevTimeout })

	done := make(chan response, 1)
	started := time.Now()
	go func() { done <- acme.uploadInvoice(po.ID, "stuck.pdf", data) }()
	time.Sleep(300 * time.Millisecond) // let the upload reach the reader
	other := e.signIn("ediworks@demo.pogate")
	for _, path := range []string{"/healthz", "/pos", "/invoices"} {
		t0 := time.Now()
		if r := other.get(path); r.status != http.StatusOK {
			t.Errorf("while a reader hangs, GET %s: %d", path, r.status)
		}
		t.Logf("GET %s answered in %s while the reader hangs", path, time.Since(t0).Round(time.Millisecond))
	}
	select {
	case <-done:
		t.Error("the upload ended before the other requests were answered; the test proved nothing about serving meanwhile")
	default:
	}
	r := <-done
	elapsed := time.Since(started)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "longer than") {
		t.Fatalf("hanging reader: %d\n%.800s", r.status, r.body)
	}
	if elapsed > 10*time.Second {
		t.Errorf("the hanging reader held the request for %s", elapsed)
	}
	var kept store.Document
	if err := e.store.DB(context.Background()).Where("filename = ?", "stuck.pdf").Take(&kept).Error; err != nil ||
		kept.Status != store.DocumentUnreadable || !strings.Contains(kept.Reason, "longer than") {
		t.Errorf("hanging file not kept as unreadable: %+v %v", kept, err)
	}
}

// TestInvoiceUploadOrderNotInvoiceable: an order not sent yet takes no
// invoice file; the refusal says why and nothing is stored.
func TestInvoiceUploadOrderNotInvoiceable(t *testing.T) {
	e := newWebEnv(t)
	po := e.makePO("ACME", "PO-NOT-YET", "USD", [][3]string{{"AC-1", "10", "2.50"}})
	e.setPOStatus(po.ID, store.POStatusCancelled)
	ap := e.signIn("ap@demo.pogate")
	if p := ap.get(poInvoicePath(po.ID, "upload")); p.status != http.StatusOK || !strings.Contains(p.body, "is cancelled") {
		t.Errorf("upload page of a cancelled order: %d", p.status)
	}
	r := ap.uploadInvoice(po.ID, "inv.txt", []byte(test810("PO-NOT-YET", "X-1")))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "is cancelled") {
		t.Errorf("upload to a cancelled order: %d\n%.500s", r.status, r.body)
	}
	var n int64
	e.store.DB(context.Background()).Model(&store.Document{}).Count(&n)
	if n != 0 {
		t.Errorf("%d documents stored for a refused upload", n)
	}
}

// FuzzInvoiceInputOf810: whatever an uploaded "810" holds, reading it
// never panics, and what is accepted bills the page's PO, is linked to the
// document, and has positive whole quantities.
func FuzzInvoiceInputOf810(f *testing.F) {
	f.Add(test810("PO-1", "INV-1"))
	f.Add(test810("PO-2", "INV-1"))
	f.Add(strings.ReplaceAll(test810("PO-1", "INV-1"), "IT1*2*3*EA*19.99", "IT1*2*-3*EA*1e9"))
	f.Add("ISA*00*")
	po := store.PurchaseOrder{ID: 9, Number: "PO-1", SupplierID: 4, Currency: "USD"}
	f.Fuzz(func(t *testing.T, raw string) {
		in, err := invoiceInputOf810([]byte(raw), po, 77)
		if err != nil {
			return
		}
		if in.POID != po.ID || in.SupplierID != po.SupplierID || in.SourceRef != "document:77" || in.Source != "edi" {
			t.Fatalf("accepted 810 not tied to the page's PO and document: %+v", in)
		}
		for _, l := range in.Lines {
			if l.Quantity <= 0 {
				t.Fatalf("accepted quantity %d", l.Quantity)
			}
		}
	})
}

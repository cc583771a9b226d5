package portal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/docs"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/gateway"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// Invoice upload: a supplier (or accounts payable on their behalf) uploads
// an invoice file against a PO. The original is stored before anything
// parses it. A PDF or XLSX is read by the isolated extractor (a child
// process, so a hostile file costs that child, never the server) and the
// draft is shown for the supplier to confirm or correct; an 810 is exact
// data and is submitted at once. The per-PO XLSX template downloads from
// here too.

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web)
		invoicer := s.requireRole(store.RoleSupplier, store.RoleAP)
		g.GET("/pos/:po_id/invoice/upload", invoicer, s.pageInvoiceUpload)
		g.POST("/pos/:po_id/invoice/upload", invoicer, s.postInvoiceUpload)
		g.GET("/pos/:po_id/invoice/confirm", invoicer, s.pageInvoiceConfirm)
		g.POST("/pos/:po_id/invoice/confirm", invoicer, s.postInvoiceConfirm)
		g.GET("/pos/:po_id/invoice/template.xlsx", invoicer, s.getInvoiceTemplate)
		g.GET("/pos/:po_id/invoice/original", s.requireRole(store.RoleSupplier, store.RoleAP, store.RoleBuyer), s.getInvoiceOriginal)
	})
	poSectionHooks = append(poSectionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) (poSection, bool) {
		if !a.IsSupplier() && !a.HasRole(store.RoleAP, store.RoleBuyer) {
			return poSection{}, false
		}
		var ds []store.Document
		q := s.Store.DB(c.Request.Context()).Select("id", "supplier_id", "po_id", "filename", "status", "reason", "invoice_id", "created_at").
			Where("po_id = ?", po.ID).Order("id DESC").Limit(20)
		if sc := scopeOf(a); sc != 0 {
			q = q.Where("supplier_id = ?", sc)
		}
		if err := q.Find(&ds).Error; err != nil || len(ds) == 0 {
			return poSection{}, false
		}
		sec := poSection{Title: "Uploaded invoice files"}
		for _, d := range ds {
			row := dashRow{Href: poInvoicePath(po.ID, "original") + "?document=" + strconv.FormatInt(d.ID, 10), Label: d.Filename, Status: d.Status}
			switch d.Status {
			case store.DocumentUnreadable:
				row.Detail = "could not be read: " + d.Reason
			case store.DocumentExtracted:
				row.Detail = "waiting for you to confirm its lines"
				if a.IsSupplier() || a.HasRole(store.RoleAP) {
					row.Href = confirmPath(po.ID, d.ID)
				}
			case store.DocumentSubmitted:
				row.Detail = "submitted as an invoice (the original is kept)"
			}
			sec.Rows = append(sec.Rows, row)
		}
		return sec, true
	})
	poActionHooks = append(poActionHooks, func(s *Server, c *gin.Context, a store.Actor, po store.PurchaseOrder) []poAction {
		if (a.IsSupplier() || a.HasRole(store.RoleAP)) && invoiceable(po) {
			return []poAction{{Href: poInvoicePath(po.ID, "upload"), Label: "Upload an invoice file (PDF, Excel or 810)"}}
		}
		return nil
	})
}

// invoiceExtractRunner starts the extraction child; nil re-executes this
// binary with the hidden child subcommand (what `pogate serve` wants).
// Tests point it at the test binary.
var invoiceExtractRunner *docs.Runner

// invoiceExtractTimeout is the child's wall clock; zero takes the
// extractor's default. Tests shorten it to prove a hanging reader costs
// only its own request.
var invoiceExtractTimeout time.Duration

// uncertainBelow is the confidence under which a field is highlighted and,
// unless corrected or ticked as checked, reported to accounts payable.
const uncertainBelow = 80

func poInvoicePath(poID int64, leaf string) string {
	return "/pos/" + strconv.FormatInt(poID, 10) + "/invoice/" + leaf
}

// invoiceFileKinds maps the accepted extensions to the content they must
// have. An 810 may come as .txt: many suppliers' EDI tools save that way.
var invoiceFileKinds = map[string]string{".pdf": kindPDF, ".xlsx": kindXLSX, ".edi": kindX12, ".x12": kindX12, ".810": kindX12, ".txt": kindX12}

var kindContentTypes = map[string]string{kindPDF: "application/pdf",
	kindXLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", kindX12: "application/edi-x12"}

type uploadPageData struct {
	PO       store.PurchaseOrder
	Document *store.Document
}

// uploadPO reads the PO of the request as the actor sees it: another
// supplier's PO is the same NotFound as a missing one.
func (s *Server) uploadPO(c *gin.Context) (store.PurchaseOrder, bool) {
	id, err := idParam(c, "po_id")
	if err != nil {
		s.fail(c, err)
		return store.PurchaseOrder{}, false
	}
	po, err := s.Procure.GetPO(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return po, false
	}
	return po, true
}

func (s *Server) pageInvoiceUpload(c *gin.Context) {
	po, ok := s.uploadPO(c)
	if !ok {
		return
	}
	var errs map[string]string
	if !invoiceable(po) {
		errs = notInvoiceable(po)
	}
	s.showUpload(c, po, http.StatusOK, nil, errs)
}

// notInvoiceable explains why an order takes no invoice yet (or any more).
func notInvoiceable(po store.PurchaseOrder) map[string]string {
	return map[string]string{"": "order " + po.Number + " is " + strings.ReplaceAll(po.Status, "_", " ") +
		"; an invoice can be sent once the order has been sent to the supplier, and not after it is closed or cancelled"}
}

func (s *Server) showUpload(c *gin.Context, po store.PurchaseOrder, status int, doc *store.Document, errs map[string]string) {
	v := s.newView(c, "Upload an invoice for "+po.Number)
	v.Data = uploadPageData{PO: po, Document: doc}
	v.Errors = errs
	s.render(c, status, "invoice_upload", v)
}

// readInvoiceFile reads the "file" field: the body limit has already
// capped the request at MaxUploadBytes before anything was read; the name
// must be an accepted type and the content must be what the name says.
func (s *Server) readInvoiceFile(c *gin.Context) (upload, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe), strings.Contains(err.Error(), "request body too large"), errors.Is(err, multipart.ErrMessageTooLarge):
			return upload{}, fault.New(fault.TooLarge, "the file is over the upload limit of %d MB; send a smaller file", s.Config.MaxUploadBytes>>20)
		case errors.Is(err, http.ErrMissingFile):
			return upload{}, fault.FieldErr("file", "choose the invoice file to upload")
		}
		return upload{}, fault.Wrap(fault.Invalid, err, "the upload could not be read; try again")
	}
	if fh.Size > s.Config.MaxUploadBytes {
		return upload{}, fault.New(fault.TooLarge, "the file is over the upload limit of %d MB; send a smaller file", s.Config.MaxUploadBytes>>20)
	}
	ext := strings.ToLower(filepath.Ext(fh.Filename))
	want, ok := invoiceFileKinds[ext]
	if !ok {
		return upload{}, fault.FieldErr("file", "%q is not an invoice file this page takes; upload a PDF (.pdf), an Excel workbook (.xlsx) or an EDI 810 (.edi, .x12, .txt)", fh.Filename)
	}
	f, err := fh.Open()
	if err != nil {
		return upload{}, fault.Wrap(fault.Invalid, err, "the upload could not be read; try again")
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		return upload{}, classify(err)
	}
	if buf.Len() == 0 {
		return upload{}, fault.FieldErr("file", "%q is empty", fh.Filename)
	}
	kind := sniffKind(buf.Bytes())
	if kind != want {
		return upload{}, fault.FieldErr("file", "%q is named %s but its content is %s, not %s; export the invoice again and upload that file",
			fh.Filename, ext, kindNames[kind], kindNames[want])
	}
	return upload{Name: filepath.Base(fh.Filename), Kind: kind, Data: buf.Bytes()}, nil
}

func (s *Server) postInvoiceUpload(c *gin.Context) {
	po, ok := s.uploadPO(c)
	if !ok {
		return
	}
	if !invoiceable(po) {
		s.showUpload(c, po, http.StatusConflict, nil, notInvoiceable(po))
		return
	}
	a := actorOf(c)
	up, err := s.readInvoiceFile(c)
	if err != nil {
		if fe, st, ok := errorsOf(err); ok {
			s.showUpload(c, po, st, nil, fe)
			return
		}
		s.fail(c, err)
		return
	}
	doc, dup, err := s.Procure.ReceiveDocument(c.Request.Context(), a, procure.DocumentUpload{POID: po.ID, Filename: up.Name, Kind: up.Kind,
		ContentType: kindContentTypes[up.Kind], Data: up.Data})
	if err != nil {
		if fe, st, ok := errorsOf(err); ok {
			s.showUpload(c, po, st, nil, fe)
			return
		}
		s.fail(c, err)
		return
	}
	if dup && !(doc.Status == store.DocumentReceived && doc.POID != nil && *doc.POID == po.ID) {
		s.answerDuplicate(c, po, doc)
		return
	}
	// A new document, or the same file again after its reading was cut
	// short (the server stopped mid-way, or the 810 was refused by the
	// invoice rules): read it now.
	if up.Kind == kindX12 {
		s.submit810(c, po, doc, up.Data)
		return
	}
	s.extractUpload(c, po, doc, up)
}

// answerDuplicate tells the supplier the file was uploaded before and
// where it went, instead of making a second invoice of it.
func (s *Server) answerDuplicate(c *gin.Context, po store.PurchaseOrder, doc store.Document) {
	v := s.newView(c, "")
	when := v.When(doc.CreatedAt)
	switch {
	case doc.InvoiceID != nil:
		s.flash(c, "warn", fmt.Sprintf("This file (%s) was already uploaded on %s and submitted as an invoice; it was not submitted again.", doc.Filename, when))
		redirect(c, "/invoices/"+strconv.FormatInt(*doc.InvoiceID, 10))
	case doc.Status == store.DocumentExtracted && doc.POID != nil && *doc.POID == po.ID:
		s.flash(c, "warn", fmt.Sprintf("This file (%s) was already uploaded on %s; confirm its lines below.", doc.Filename, when))
		redirect(c, confirmPath(po.ID, doc.ID))
	case doc.Status == store.DocumentUnreadable:
		s.showUpload(c, po, http.StatusUnprocessableEntity, &doc, map[string]string{"file": fmt.Sprintf(
			"this file (%s) was already uploaded on %s and could not be read: %s", doc.Filename, when, doc.Reason)})
	default:
		s.showUpload(c, po, http.StatusConflict, &doc, map[string]string{"file": fmt.Sprintf(
			"this file (%s) was already uploaded on %s for another order; upload it there, or upload the invoice for this order", doc.Filename, when)})
	}
}

func confirmPath(poID, docID int64) string {
	return poInvoicePath(poID, "confirm") + "?document=" + strconv.FormatInt(docID, 10)
}

// extractUpload runs the isolated reader over a stored PDF or XLSX with the
// supplier's learned hints. A refusal (encrypted, crafted, not an invoice,
// reader crashed or timed out) marks the document unreadable, keeps it,
// and tells the supplier why; the server itself never runs the parser.
func (s *Server) extractUpload(c *gin.Context, po store.PurchaseOrder, doc store.Document, up upload) {
	a := actorOf(c)
	hints, err := s.Procure.SupplierHints(c.Request.Context(), doc.SupplierID)
	if err != nil {
		s.Log.Warn("layout hints unreadable; extracting without", "supplier_id", doc.SupplierID, "error", err)
		hints = nil
	}
	res, extractErr := s.extract(c.Request.Context(), up, hints)
	if extractErr != nil {
		if _, refused := docs.AsRefusal(extractErr); !refused {
			s.Log.Error("invoice extraction failed", "document_id", doc.ID, "error", extractErr)
		}
	}
	if err := s.Procure.RecordExtraction(c.Request.Context(), a, doc.ID, res, extractErr); err != nil {
		s.fail(c, err)
		return
	}
	if extractErr != nil {
		doc.Status, doc.Reason = store.DocumentUnreadable, refusalMessage(extractErr)
		s.showUpload(c, po, http.StatusUnprocessableEntity, &doc, map[string]string{"file": "the file was kept but could not be read: " +
			doc.Reason + ". Upload the invoice again as a normal (unprotected) PDF or .xlsx, or create it from the order."})
		return
	}
	redirect(c, confirmPath(po.ID, doc.ID))
}

func refusalMessage(err error) string {
	if r, ok := docs.AsRefusal(err); ok {
		return r.Message
	}
	return "the reader failed (" + err.Error() + ")"
}

// extract writes the upload to a private temporary file for the child and
// removes it afterwards; the stored original is in the database.
func (s *Server) extract(ctx context.Context, up upload, hints *docs.Hints) (*docs.Result, error) {
	f, err := os.CreateTemp("", "pogate-invoice-*")
	if err != nil {
		return nil, fmt.Errorf("portal: temp file for extraction: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(up.Data); err != nil {
		f.Close()
		return nil, fmt.Errorf("portal: temp file for extraction: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("portal: temp file for extraction: %w", err)
	}
	kind := docs.KindPDF
	if up.Kind == kindXLSX {
		kind = docs.KindXLSX
	}
	return docs.ExtractIsolated(ctx, f.Name(), kind, hints, docs.Limits{MaxInputBytes: s.Config.MaxUploadBytes, Timeout: invoiceExtractTimeout, Runner: invoiceExtractRunner})
}

// submit810 parses an uploaded 810 and submits it through the gateway's
// mapping (the same as an 810 received by EDI), for this PO only.
func (s *Server) submit810(c *gin.Context, po store.PurchaseOrder, doc store.Document, data []byte) {
	a := actorOf(c)
	in, err := invoiceInputOf810(data, po, doc.ID)
	if err != nil {
		if rerr := s.Procure.RecordExtraction(c.Request.Context(), a, doc.ID, nil, err); rerr != nil {
			s.fail(c, rerr)
			return
		}
		doc.Status, doc.Reason = store.DocumentUnreadable, err.Error()
		s.showUpload(c, po, http.StatusUnprocessableEntity, &doc, map[string]string{"file": "the file was kept but could not be used: " + err.Error()})
		return
	}
	res, err := s.Procure.SubmitDocumentInvoice(c.Request.Context(), a, procure.DocumentSubmission{DocumentID: doc.ID, Invoice: in})
	if err != nil {
		if fe, st, ok := errorsOf(err); ok {
			s.showUpload(c, po, st, &doc, fe)
			return
		}
		s.fail(c, err)
		return
	}
	s.invoiceSubmitted(c, res)
}

// invoiceInputOf810 reads the first 810 of an X12 file. The file must be
// clean X12 and bill this PO: an 810 naming another PO is refused rather
// than filed against the page's order.
func invoiceInputOf810(data []byte, po store.PurchaseOrder, docID int64) (procure.InvoiceInput, error) {
	file, err := edi.Parse(bytes.NewReader(data))
	if err != nil {
		return procure.InvoiceInput{}, fmt.Errorf("the EDI file cannot be read: %w", err)
	}
	var inv *edi.Invoice810
	var problems []string
	for _, e := range file.Errors {
		problems = append(problems, e.Error())
	}
	for _, ic := range file.Interchanges {
		for _, e := range ic.Errors {
			problems = append(problems, e.Error())
		}
		for _, g := range ic.Groups {
			for _, t := range g.Transactions {
				if t.Rejected() {
					for _, e := range t.Errors {
						problems = append(problems, "set "+t.ControlNumber+": "+e.Error())
					}
					continue
				}
				if d, ok := t.Document.(*edi.Invoice810); ok && inv == nil {
					inv = d
				}
			}
		}
	}
	if inv == nil {
		if len(problems) > 0 {
			return procure.InvoiceInput{}, fmt.Errorf("the EDI file has errors: %s", strings.Join(problems[:min(3, len(problems))], "; "))
		}
		return procure.InvoiceInput{}, errors.New("the EDI file holds no 810 invoice")
	}
	cmd, err := gateway.MapInvoice(inv, po.SupplierID, po.Currency, procure.DocumentRef(docID))
	if err != nil {
		return procure.InvoiceInput{}, fmt.Errorf("the 810 cannot be used: %s", classify(err).Message)
	}
	if cmd.PONumber != po.Number {
		return procure.InvoiceInput{}, fmt.Errorf("the 810 bills purchase order %s, not %s; upload it on that order's page", cmd.PONumber, po.Number)
	}
	cmd.POID = po.ID
	in := gateway.InvoiceInputOf(cmd)
	if in.Date.IsZero() {
		return in, errors.New("the 810 has no invoice date (BIG01)")
	}
	return in, nil
}

func (s *Server) invoiceSubmitted(c *gin.Context, res procure.InvoiceResult) {
	s.flash(c, "ok", "Invoice "+res.Invoice.Number+" submitted: "+strings.ReplaceAll(res.Invoice.Status, "_", " ")+".")
	redirect(c, "/invoices/"+strconv.FormatInt(res.Invoice.ID, 10))
}

// getInvoiceTemplate downloads the per-PO XLSX template, pre-filled with
// what the order would invoice now (received and not invoiced, or ordered).
func (s *Server) getInvoiceTemplate(c *gin.Context) {
	po, ok := s.uploadPO(c)
	if !ok {
		return
	}
	tin := docs.TemplateInput{PONumber: po.Number, Currency: po.Currency}
	if names, err := s.supplierNames(c); err == nil {
		tin.SupplierName = names[po.SupplierID]
	}
	suggested := map[int64]procure.InvoiceLineInput{}
	if flip, err := s.Procure.FlipPO(c.Request.Context(), actorOf(c), po.ID); err == nil {
		for _, l := range flip.Lines {
			suggested[l.POLineID] = l
		}
	}
	for _, l := range po.Lines {
		tl := docs.TemplateLine{LineNo: l.LineNo, VendorPart: l.SupplierPart, Description: l.Description, Quantity: l.Quantity, UnitPriceMicros: l.UnitPriceMicros}
		if sug, ok := suggested[l.ID]; ok {
			tl.Quantity, tl.UnitPriceMicros = sug.Quantity, sug.UnitPriceMicros
		}
		tin.Lines = append(tin.Lines, tl)
	}
	var buf bytes.Buffer
	if err := docs.WriteTemplate(&buf, tin); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="invoice-`+safeFilename(po.Number)+`.xlsx"`)
	c.Data(http.StatusOK, kindContentTypes[kindXLSX], buf.Bytes())
}

// getInvoiceOriginal downloads an uploaded file exactly as it was
// received: the legal original of the invoice made from it.
func (s *Server) getInvoiceOriginal(c *gin.Context) {
	po, ok := s.uploadPO(c)
	if !ok {
		return
	}
	id, err := strconv.ParseInt(c.Query("document"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, fault.New(fault.NotFound, "document not found"))
		return
	}
	doc, err := s.Procure.GetDocument(c.Request.Context(), actorOf(c), id)
	if err == nil && (doc.POID == nil || *doc.POID != po.ID) {
		err = fault.New(fault.NotFound, "document not found")
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	raw, err := s.Store.DocumentBytes(c.Request.Context(), doc.ID)
	if err != nil {
		s.fail(c, err)
		return
	}
	ext := map[string]string{kindPDF: ".pdf", kindXLSX: ".xlsx", kindX12: ".edi"}[doc.Kind]
	c.Header("Content-Disposition", `attachment; filename="document-`+strconv.FormatInt(doc.ID, 10)+ext+`"`)
	c.Header("X-Content-SHA256", doc.SHA256)
	c.Data(http.StatusOK, doc.ContentType, raw)
}

func safeFilename(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

// confirmField is one header field of the confirm form.
type confirmField struct {
	Name, Label, Value, Original string
	Uncertain                    bool
	Confidence                   int
	Where                        string
}

// confirmLine is one extracted line beside the PO line it bills.
type confirmLine struct {
	Index                                    int
	Part, Description, Qty, Price, Amount    string
	POLineID                                 int64
	Uncertain                                bool
	Confidence                               int
	Where                                    string
	Problems                                 []string
	OrigQty, OrigPrice, OrigAmount, OrigPart string
	// Extra is a blank row for a line the reader missed.
	Extra bool
}

type confirmCharge struct {
	Index                int
	Kind, Label, Amount  string
	Uncertain            bool
	Where, OriginalValue string
}

type confirmData struct {
	PO       store.PurchaseOrder
	Document store.Document
	Fields   []confirmField
	Lines    []confirmLine
	Charges  []confirmCharge
	Reasons  []string
	Hinted   bool
	// Extracted is how many of Lines came from the file (the rest are
	// blank rows to add missed lines).
	Extracted int
	// OtherPO is the order number the file names when it is not this
	// order's: the supplier may have picked the wrong order or file.
	OtherPO string
}

// loadDraft reads the PO and the document of a confirm request, both as
// the actor sees them; a document of another PO is not found.
func (s *Server) loadDraft(c *gin.Context, docParam string) (store.PurchaseOrder, store.Document, *docs.Result, bool) {
	po, ok := s.uploadPO(c)
	if !ok {
		return po, store.Document{}, nil, false
	}
	id, err := strconv.ParseInt(strings.TrimSpace(docParam), 10, 64)
	if err != nil || id <= 0 {
		s.fail(c, fault.New(fault.NotFound, "document not found"))
		return po, store.Document{}, nil, false
	}
	doc, err := s.Procure.GetDocument(c.Request.Context(), actorOf(c), id)
	if err == nil && (doc.POID == nil || *doc.POID != po.ID) {
		err = fault.New(fault.NotFound, "document not found")
	}
	if err != nil {
		s.fail(c, err)
		return po, doc, nil, false
	}
	if doc.Status == store.DocumentSubmitted && doc.InvoiceID != nil {
		s.flash(c, "warn", "This file was already submitted as an invoice.")
		redirect(c, "/invoices/"+strconv.FormatInt(*doc.InvoiceID, 10))
		return po, doc, nil, false
	}
	res, err := procure.DocumentExtraction(doc)
	if err != nil {
		s.showUpload(c, po, http.StatusUnprocessableEntity, &doc, map[string]string{"file": "this file has nothing to confirm: " + doc.Reason})
		return po, doc, nil, false
	}
	return po, doc, res, true
}

func (s *Server) pageInvoiceConfirm(c *gin.Context) {
	po, doc, res, ok := s.loadDraft(c, c.Query("document"))
	if !ok {
		return
	}
	s.showConfirm(c, po, doc, res, http.StatusOK, nil)
}

func (s *Server) showConfirm(c *gin.Context, po store.PurchaseOrder, doc store.Document, res *docs.Result, status int, errs map[string]string) {
	d := confirmDataOf(po, doc, res.Draft)
	v := s.newView(c, "Confirm invoice for "+po.Number)
	v.Data = d
	v.Errors = errs
	if errs != nil {
		_ = c.Request.ParseForm()
		v.Form = c.Request.PostForm
	} else {
		for _, f := range d.Fields {
			v.Form.Set(f.Name, f.Value)
		}
		for _, l := range d.Lines {
			k := strconv.Itoa(l.Index)
			v.Form.Set("part_"+k, l.Part)
			v.Form.Set("desc_"+k, l.Description)
			v.Form.Set("qty_"+k, l.Qty)
			v.Form.Set("price_"+k, l.Price)
			v.Form.Set("amount_"+k, l.Amount)
			v.Form.Set("poline_"+k, strconv.FormatInt(l.POLineID, 10))
		}
		for _, ch := range d.Charges {
			v.Form.Set("charge_"+strconv.Itoa(ch.Index), ch.Amount)
		}
	}
	s.render(c, status, "invoice_upload_confirm", v)
}

// headerFields are the draft's header fields in form order, with the
// draft's field name (for confidence and origin) and the form's.
var headerFields = []struct{ draft, form, label string }{
	{"invoice_number", "number", "Invoice number"},
	{"invoice_date", "date", "Invoice date (YYYY-MM-DD)"},
	{"due_date", "due_date", "Due date (YYYY-MM-DD)"},
	{"currency", "currency", "Currency"},
	{"tax", "tax", "Tax"},
	{"total", "total", "Total"},
}

func draftValue(d docs.Draft, field string) string {
	switch field {
	case "invoice_number":
		return d.InvoiceNumber
	case "invoice_date":
		return d.InvoiceDate
	case "due_date":
		return d.DueDate
	case "currency":
		return d.Currency
	case "tax":
		return d.Tax
	case "total":
		return d.Total
	}
	return ""
}

// where says in words where a value was read, for the highlight.
func where(l docs.Location) string {
	switch {
	case l.Cell != "":
		return "cell " + l.Sheet + "!" + l.Cell
	case l.Page > 0:
		return fmt.Sprintf("page %d, %.0f pt from the left, %.0f pt from the top", l.Page, l.X, l.Y)
	}
	return "not found in the file"
}

func confirmDataOf(po store.PurchaseOrder, doc store.Document, d docs.Draft) confirmData {
	cd := confirmData{PO: po, Document: doc, Reasons: d.Reasons, Hinted: d.Source.Hinted}
	if n := strings.TrimSpace(d.PONumber); n != "" && !strings.EqualFold(n, po.Number) {
		cd.OtherPO = n
	}
	for _, h := range headerFields {
		info, found := d.Fields[h.draft]
		f := confirmField{Name: h.form, Label: h.label, Value: draftValue(d, h.draft), Confidence: info.Confidence, Where: where(info.Source)}
		f.Original = f.Value
		// A field the reader did not find is uncertain too, except the
		// optional ones (due date; tax on an invoice without tax).
		optional := h.draft == "due_date" || (h.draft == "tax" && f.Value == "")
		f.Uncertain = (found && info.Confidence < uncertainBelow) || (!found && !optional)
		if !found && !optional {
			f.Where = "not found in the file"
		}
		cd.Fields = append(cd.Fields, f)
	}
	targets := poLineTargets(po, d.Lines)
	for i, l := range d.Lines {
		cl := confirmLine{Index: i, Part: l.VendorPart, Description: l.Description, Qty: l.Quantity, Price: l.UnitPrice, Amount: l.Amount,
			POLineID: targets[i], Confidence: l.Confidence, Uncertain: l.Confidence < uncertainBelow || len(l.Problems) > 0,
			Where: where(l.Source), Problems: l.Problems, OrigQty: l.Quantity, OrigPrice: l.UnitPrice, OrigAmount: l.Amount, OrigPart: l.VendorPart}
		cd.Lines = append(cd.Lines, cl)
	}
	// Blank rows for lines the reader missed: as many as the order has
	// lines not yet paired (at least two), each proposing the next such
	// order line.
	cd.Extracted = len(cd.Lines)
	paired := map[int64]bool{}
	for _, id := range targets {
		paired[id] = true
	}
	var unpaired []int64
	for _, pl := range po.Lines {
		if !paired[pl.ID] {
			unpaired = append(unpaired, pl.ID)
		}
	}
	for j := 0; j < max(2, len(unpaired)); j++ {
		cl := confirmLine{Index: len(cd.Lines), Extra: true}
		if j < len(unpaired) {
			cl.POLineID = unpaired[j]
		}
		cd.Lines = append(cd.Lines, cl)
	}
	for i, ch := range d.Charges {
		cd.Charges = append(cd.Charges, confirmCharge{Index: i, Kind: string(ch.Kind), Label: ch.Label, Amount: ch.Amount,
			Uncertain: ch.Confidence < uncertainBelow, Where: where(ch.Source), OriginalValue: ch.Amount})
	}
	return cd
}

// poLineTargets proposes the PO line each extracted line bills: the line
// whose supplier part equals the extracted part, else (when the invoice has
// as many lines as the order) the line in the same position.
func poLineTargets(po store.PurchaseOrder, lines []docs.Line) []int64 {
	out := make([]int64, len(lines))
	used := map[int64]bool{}
	for i, l := range lines {
		part := strings.TrimSpace(l.VendorPart)
		for _, pl := range po.Lines {
			if part != "" && !used[pl.ID] && strings.EqualFold(strings.TrimSpace(pl.SupplierPart), part) {
				out[i], used[pl.ID] = pl.ID, true
				break
			}
		}
	}
	if len(lines) == len(po.Lines) {
		for i := range lines {
			if out[i] == 0 && !used[po.Lines[i].ID] {
				out[i], used[po.Lines[i].ID] = po.Lines[i].ID, true
			}
		}
	}
	return out
}

func (s *Server) postInvoiceConfirm(c *gin.Context) {
	po, doc, res, ok := s.loadDraft(c, c.PostForm("document_id"))
	if !ok {
		return
	}
	corrected, targets, unconfident, err := correctedDraft(c, po, res.Draft)
	if err == nil {
		var in procure.InvoiceInput
		if in, err = procure.InvoiceInputOfDraft(corrected, targets); err == nil {
			in.Source, in.UnconfidentFields = doc.Kind, unconfident
			var out procure.InvoiceResult
			if out, err = s.Procure.SubmitDocumentInvoice(c.Request.Context(), actorOf(c), procure.DocumentSubmission{DocumentID: doc.ID, Invoice: in, Corrected: &corrected}); err == nil {
				s.invoiceSubmitted(c, out)
				return
			}
		}
	}
	if fe, st, ok := errorsOf(err); ok {
		s.showConfirm(c, po, doc, res, st, fe)
		return
	}
	s.fail(c, err)
}

// correctedDraft reads the confirm form back into a draft. It also works
// out which uncertain fields the supplier neither changed nor ticked as
// checked: those go with the invoice as UnconfidentFields, so accounts
// payable looks at them before anything is paid.
func correctedDraft(c *gin.Context, po store.PurchaseOrder, orig docs.Draft) (docs.Draft, []procure.LineTarget, []string, error) {
	cd := confirmDataOf(po, store.Document{}, orig)
	form := func(k string) string { return strings.TrimSpace(c.PostForm(k)) }
	checked := func(k string) bool { return c.PostForm("ok_"+k) != "" }
	d := orig
	d.Lines, d.Charges = nil, nil
	var unconfident []string
	for _, f := range cd.Fields {
		v := form(f.Name)
		switch f.Name {
		case "number":
			d.InvoiceNumber = v
		case "date":
			d.InvoiceDate = v
		case "due_date":
			d.DueDate = v
		case "currency":
			d.Currency = strings.ToUpper(v)
		case "tax":
			d.Tax = v
		case "total":
			d.Total = v
		}
		if f.Uncertain && v == f.Original && !checked(f.Name) {
			unconfident = append(unconfident, headerDraftName(f.Name))
		}
	}
	if cd.OtherPO != "" && !checked("po_number") {
		unconfident = append(unconfident, "po_number")
	}
	n, err := strconv.Atoi(form("lines"))
	if err != nil || n < 0 || n > len(cd.Lines) {
		return d, nil, nil, fault.FieldErr("lines", "the form was damaged; reload the page")
	}
	validLine := map[int64]bool{0: true}
	for _, pl := range po.Lines {
		validLine[pl.ID] = true
	}
	var targets []procure.LineTarget
	for i := 0; i < n; i++ {
		k := strconv.Itoa(i)
		if c.PostForm("remove_"+k) != "" {
			continue
		}
		l := docs.Line{VendorPart: form("part_" + k), Description: form("desc_" + k), Quantity: form("qty_" + k),
			UnitPrice: form("price_" + k), Amount: form("amount_" + k)}
		if l.Quantity == "" && l.UnitPrice == "" && l.Amount == "" && l.VendorPart == "" {
			continue // an empty extra row
		}
		poLine, err := strconv.ParseInt(form("poline_"+k), 10, 64)
		if err != nil || !validLine[poLine] {
			return d, nil, nil, fault.FieldErr("poline_"+k, "line %d: choose a line of this order", i+1)
		}
		if i < cd.Extracted {
			ol := cd.Lines[i]
			unchanged := l.Quantity == ol.OrigQty && l.UnitPrice == ol.OrigPrice && l.Amount == ol.OrigAmount && l.VendorPart == ol.OrigPart
			if ol.Uncertain && unchanged && !checked("line_"+k) {
				unconfident = append(unconfident, "lines["+k+"]")
			}
		}
		d.Lines = append(d.Lines, l)
		targets = append(targets, procure.LineTarget{POLineID: poLine})
	}
	for _, ch := range cd.Charges {
		k := strconv.Itoa(ch.Index)
		v := form("charge_" + k)
		if v == "" {
			continue
		}
		orig := orig.Charges[ch.Index]
		orig.Amount = v
		if ch.Uncertain && v == ch.OriginalValue && !checked("charge_"+k) {
			unconfident = append(unconfident, "charges["+k+"]")
		}
		d.Charges = append(d.Charges, orig)
	}
	if v := form("new_charge"); v != "" {
		d.Charges = append(d.Charges, docs.Charge{Kind: docs.ChargeKind(form("new_charge_kind")), Label: form("new_charge_label"), Amount: v})
	}
	return d, targets, unconfident, nil
}

func headerDraftName(form string) string {
	for _, h := range headerFields {
		if h.form == form {
			return h.draft
		}
	}
	return form
}

// poLineLabel is how a PO line is named in the confirm form's chooser.
func poLineLabel(l store.POLine, currency string) string {
	return fmt.Sprintf("%d. %s %s — %s × %s", l.LineNo, l.SupplierPart, l.Description, strconv.FormatInt(l.Quantity, 10),
		currency+" "+matching.FormatUnitPrice(l.UnitPriceMicros))
}

func init() {
	templateFuncs["poLineLabel"] = poLineLabel
	templateFuncs["idStr"] = func(id int64) string { return strconv.FormatInt(id, 10) }
}

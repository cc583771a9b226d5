package procure

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/docs"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// Uploaded invoice documents (PDF, XLSX, X12 810) go through three steps:
// ReceiveDocument keeps the original before anything parses it;
// RecordExtraction notes what the isolated reader made of it (a draft, or a
// refusal that marks it unreadable); SubmitDocumentInvoice turns the
// confirmed draft into an invoice, links it to the document and feeds the
// supplier's layout hints. The portal runs the reader between the steps,
// outside any transaction, because reading may take seconds.

// DocumentUpload is one uploaded file against a purchase order. Kind is what
// the content was sniffed as (pdf, xlsx, x12), never the file name.
type DocumentUpload struct {
	POID        int64
	Filename    string
	Kind        string
	ContentType string
	Data        []byte
}

// DocumentRef is the invoices.source_ref of an invoice made from a document.
func DocumentRef(documentID int64) string { return "document:" + strconv.FormatInt(documentID, 10) }

// ReceiveDocument stores an upload immutably (bytes, SHA-256, content type,
// supplier, file name) before it is parsed. The supplier is the PO's: a
// supplier user reaches only its own POs (another supplier's is not found,
// like a missing one); accounts payable may upload on a supplier's behalf.
// The same bytes uploaded again by the same supplier return the first
// document with duplicate=true.
func (s *Service) ReceiveDocument(ctx context.Context, actor store.Actor, up DocumentUpload) (doc store.Document, duplicate bool, err error) {
	if !actor.IsSupplier() {
		if err := require(actor, store.RoleAP); err != nil {
			return doc, false, err
		}
	}
	po, err := s.Store.PO(ctx, up.POID, scope(actor))
	if err != nil {
		return doc, false, err
	}
	if len(up.Data) == 0 {
		return doc, false, fault.FieldErr("file", "the file is empty")
	}
	sum := sha256.Sum256(up.Data)
	poID := po.ID
	doc = store.Document{SupplierID: po.SupplierID, POID: &poID, Kind: up.Kind, ContentType: up.ContentType,
		Filename: up.Filename, SHA256: hex.EncodeToString(sum[:]), UploadedBy: actor.Label}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if duplicate, err = tx.InsertDocument(&doc, up.Data); err != nil || duplicate {
			return err
		}
		return tx.Audit(actor, "document.uploaded", "document", doc.ID, doc.SupplierID, nil,
			map[string]any{"filename": doc.Filename, "kind": doc.Kind, "sha256": doc.SHA256, "size_bytes": doc.SizeBytes, "po_id": po.ID})
	})
	return doc, duplicate, err
}

// GetDocument reads a document the actor may see.
func (s *Service) GetDocument(ctx context.Context, actor store.Actor, id int64) (store.Document, error) {
	return s.Store.Document(ctx, id, scope(actor))
}

// RecordExtraction stores the reader's result for a document: a draft to
// confirm (status extracted), or a refusal (status unreadable, with the
// refusal's message as the reason the supplier sees).
func (s *Service) RecordExtraction(ctx context.Context, actor store.Actor, docID int64, res *docs.Result, refusal error) error {
	out := store.DocumentOutcome{Status: store.DocumentExtracted}
	if refusal != nil {
		out.Status, out.Reason = store.DocumentUnreadable, refusalText(refusal)
	} else {
		raw, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("procure: encode extraction: %w", err)
		}
		js := string(raw)
		out.Extraction = &js
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		d, err := tx.LockDocument(docID, scope(actor))
		if err != nil {
			return err
		}
		if err := tx.SetDocumentOutcome(d.ID, out); err != nil {
			return err
		}
		return tx.Audit(actor, "document."+out.Status, "document", d.ID, d.SupplierID,
			map[string]any{"status": d.Status}, map[string]any{"status": out.Status, "reason": out.Reason})
	})
}

// refusalText is the reason a person reads: the refusal's own message when
// the reader refused the file, else the error text.
func refusalText(err error) string {
	if r, ok := docs.AsRefusal(err); ok {
		return r.Message
	}
	return err.Error()
}

// DocumentExtraction decodes the stored extraction of a document.
func DocumentExtraction(d store.Document) (*docs.Result, error) {
	if d.Extraction == "" {
		return nil, fault.New(fault.Unprocessable, "document %d has no extracted draft (status %s)", d.ID, d.Status)
	}
	var res docs.Result
	if err := json.Unmarshal([]byte(d.Extraction), &res); err != nil {
		return nil, fmt.Errorf("procure: decode extraction of document %d: %w", d.ID, err)
	}
	return &res, nil
}

// SupplierHints returns the layout hints learned for a supplier, nil when
// none were learned (or they are from an older hints version).
func (s *Service) SupplierHints(ctx context.Context, supplierID int64) (*docs.Hints, error) {
	raw, err := s.Store.SupplierHints(ctx, supplierID)
	if err != nil || raw == "" {
		return nil, err
	}
	var h docs.Hints
	if err := json.Unmarshal([]byte(raw), &h); err != nil || h.Version != docs.HintsVersion {
		// Unreadable or older hints are ignored, not fatal: the next
		// correction rewrites them.
		return nil, nil
	}
	return &h, nil
}

// DocumentSubmission is a confirmed document: the invoice to submit and,
// for extracted documents, the draft as the person corrected it (to learn
// the supplier's layout from).
type DocumentSubmission struct {
	DocumentID int64
	Invoice    InvoiceInput
	Corrected  *docs.Draft
}

// SubmitDocumentInvoice submits the invoice of a document, links the
// invoice to the document (source_ref "document:<id>") and learns layout
// hints from the corrected draft. A document already submitted answers
// with a conflict naming its invoice.
func (s *Service) SubmitDocumentInvoice(ctx context.Context, actor store.Actor, sub DocumentSubmission) (InvoiceResult, error) {
	doc, err := s.Store.Document(ctx, sub.DocumentID, scope(actor))
	if err != nil {
		return InvoiceResult{}, err
	}
	if doc.Status == store.DocumentSubmitted {
		return InvoiceResult{}, fault.New(fault.Conflict, "this file was already submitted as an invoice")
	}
	if doc.Status == store.DocumentUnreadable {
		return InvoiceResult{}, fault.New(fault.Unprocessable, "this file could not be read (%s); upload a corrected file", doc.Reason)
	}
	in := sub.Invoice
	in.SupplierID = doc.SupplierID
	if doc.POID != nil {
		in.POID = *doc.POID
	}
	in.SourceRef = DocumentRef(doc.ID)
	if in.Source == "" {
		in.Source = doc.Kind
	}
	res, err := s.SubmitInvoice(ctx, actor, in)
	if err != nil {
		return res, err
	}
	var hintsJSON string
	if sub.Corrected != nil {
		if extracted, err := DocumentExtraction(doc); err == nil && extracted.Layout != nil && !extracted.Draft.Source.Template {
			prev, _ := s.SupplierHints(ctx, doc.SupplierID)
			learned := docs.LearnHints(extracted.Layout, *sub.Corrected, prev)
			if raw, err := json.Marshal(learned); err == nil {
				hintsJSON = string(raw)
			}
		}
	}
	invID := res.Invoice.ID
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetDocumentOutcome(doc.ID, store.DocumentOutcome{Status: store.DocumentSubmitted, InvoiceID: &invID}); err != nil {
			return err
		}
		if hintsJSON != "" {
			if err := tx.SaveSupplierHints(doc.SupplierID, hintsJSON); err != nil {
				return err
			}
		}
		return tx.Audit(actor, "document.submitted", "document", doc.ID, doc.SupplierID,
			map[string]any{"status": doc.Status}, map[string]any{"status": store.DocumentSubmitted, "invoice_id": invID, "hints_learned": hintsJSON != ""})
	})
	return res, err
}

// LineTarget names the PO line an extracted line bills (0: let matching
// find it by part number).
type LineTarget struct {
	POLineID int64
}

// InvoiceInputOfDraft converts a (corrected) draft in document units to the
// core's exact integers: quantities must be whole, amounts must fit the
// currency's minor unit, unit prices at most six decimals; nothing is
// rounded. Each line's amount must equal quantity × unit price (rounded
// half-even once) and lines + charges + tax must equal the total, so a
// draft that does not add up cannot become an invoice. Errors are field
// errors named like the confirm form's fields (number, date, currency,
// qty_<i>, price_<i>, amount_<i>, charge_<i>, tax, total).
func InvoiceInputOfDraft(d docs.Draft, targets []LineTarget) (InvoiceInput, error) {
	in := InvoiceInput{PONumber: strings.TrimSpace(d.PONumber), Number: strings.TrimSpace(d.InvoiceNumber),
		Currency: strings.ToUpper(strings.TrimSpace(d.Currency))}
	if in.Number == "" {
		return in, fault.FieldErr("number", "enter the invoice number")
	}
	exp, ok := matching.CurrencyExponent(in.Currency)
	if !ok {
		return in, fault.FieldErr("currency", "enter a currency code such as USD or EUR (got %q)", d.Currency)
	}
	date, err := time.Parse("2006-01-02", strings.TrimSpace(d.InvoiceDate))
	if err != nil {
		return in, fault.FieldErr("date", "enter the invoice date as YYYY-MM-DD")
	}
	in.Date = date
	if strings.TrimSpace(d.DueDate) != "" {
		due, err := time.Parse("2006-01-02", strings.TrimSpace(d.DueDate))
		if err != nil {
			return in, fault.FieldErr("due_date", "enter the due date as YYYY-MM-DD, or leave it empty")
		}
		in.DueDate = &due
	}
	var sum int64
	for i, l := range d.Lines {
		k := strconv.Itoa(i)
		q, err := wholeQuantity(l.Quantity)
		if err != nil {
			return in, fault.FieldErr("qty_"+k, "line %d: %v", i+1, err)
		}
		price, err := docs.UnitPriceMicros(strings.TrimSpace(l.UnitPrice))
		if err != nil || price < 0 {
			return in, fault.FieldErr("price_"+k, "line %d: enter a unit price such as 12.50", i+1)
		}
		amount, err := docs.MinorUnits(strings.TrimSpace(l.Amount), in.Currency)
		if err != nil || amount < 0 {
			return in, fault.FieldErr("amount_"+k, "line %d: enter the line amount with at most %d decimals", i+1, exp)
		}
		want, err := matching.CheckedLineAmount(q, price, exp)
		if err != nil {
			return in, fault.FieldErr("amount_"+k, "line %d: %d × %s is too large", i+1, q, l.UnitPrice)
		}
		if want != amount {
			return in, fault.FieldErr("amount_"+k, "line %d: %d × %s = %s, not %s; correct the quantity, price or amount",
				i+1, q, strings.TrimSpace(l.UnitPrice), matching.FormatScaled(want, exp), strings.TrimSpace(l.Amount))
		}
		line := InvoiceLineInput{VendorPart: strings.TrimSpace(l.VendorPart), Description: strings.TrimSpace(l.Description),
			Quantity: q, UnitPriceMicros: price, AmountMinor: amount}
		if i < len(targets) {
			line.POLineID = targets[i].POLineID
		}
		sum += amount
		in.Lines = append(in.Lines, line)
	}
	if len(in.Lines) == 0 {
		return in, fault.FieldErr("lines", "the invoice has no lines; add the billed lines")
	}
	for i, c := range d.Charges {
		amt, err := docs.MinorUnits(strings.TrimSpace(c.Amount), in.Currency)
		if err != nil {
			return in, fault.FieldErr("charge_"+strconv.Itoa(i), "charge %q: enter an amount with at most %d decimals", c.Label, exp)
		}
		sum += amt
		ch := ChargeInput{Code: chargeCode(c.Kind), Description: strings.TrimSpace(c.Label), AmountMinor: amt}
		if amt < 0 || c.Kind == docs.ChargeDiscount {
			if amt > 0 {
				return in, fault.FieldErr("charge_"+strconv.Itoa(i), "discount %q: state a discount as a negative amount", c.Label)
			}
			ch.AmountMinor = -amt
			in.Allowances = append(in.Allowances, ch)
			continue
		}
		in.Charges = append(in.Charges, ch)
	}
	if strings.TrimSpace(d.Tax) != "" {
		if in.TaxMinor, err = docs.MinorUnits(strings.TrimSpace(d.Tax), in.Currency); err != nil || in.TaxMinor < 0 {
			return in, fault.FieldErr("tax", "enter the tax with at most %d decimals (0 when there is none)", exp)
		}
		sum += in.TaxMinor
	}
	if in.TotalMinor, err = docs.MinorUnits(strings.TrimSpace(d.Total), in.Currency); err != nil || in.TotalMinor < 0 {
		return in, fault.FieldErr("total", "enter the invoice total with at most %d decimals", exp)
	}
	if sum != in.TotalMinor {
		return in, fault.FieldErr("total", "lines + charges + tax come to %s but the total says %s; correct the figure that is wrong",
			matching.FormatScaled(sum, exp), matching.FormatScaled(in.TotalMinor, exp))
	}
	return in, nil
}

// wholeQuantity accepts "12" and "12.000" but not "12.5": purchase units
// are whole.
func wholeQuantity(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if whole, frac, ok := strings.Cut(s, "."); ok && strings.Trim(frac, "0") == "" {
		s = whole
	}
	q, err := strconv.ParseInt(s, 10, 64)
	if err != nil || q <= 0 {
		return 0, fmt.Errorf("enter the quantity as a whole number above 0 (got %q)", s)
	}
	return q, nil
}

func chargeCode(k docs.ChargeKind) string {
	switch k {
	case docs.ChargeFreight:
		return "FREIGHT"
	case docs.ChargeDiscount:
		return "DISCOUNT"
	}
	return "OTHER"
}

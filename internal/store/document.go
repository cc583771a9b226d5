package store

import (
	"context"
	"errors"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Document statuses. An upload is received (stored, not parsed yet), then
// extracted (a draft waits for the supplier to confirm it) or unreadable
// (the reader refused it; Reason says why), and submitted once an invoice
// was made from it.
const (
	DocumentReceived   = "received"
	DocumentExtracted  = "extracted"
	DocumentUnreadable = "unreadable"
	DocumentSubmitted  = "submitted"
)

// Document is an invoice file a supplier (or accounts payable on their
// behalf) uploaded. The row is written before the file is parsed, so a file
// that crashes the reader is still kept. Its bytes live in
// document_contents, written once and never changed: the upload is the
// legal original of the invoice made from it.
type Document struct {
	ID          int64 `gorm:"primaryKey"`
	SupplierID  int64
	POID        *int64 `gorm:"column:po_id"`
	Kind        string // pdf, xlsx, x12
	ContentType string
	Filename    string
	SHA256      string `gorm:"column:sha256"`
	SizeBytes   int64
	Status      string
	Reason      string
	// Extraction is the reader's result as JSON (the draft and the layout it
	// was read from), kept so the confirm page and hint learning never parse
	// the file again.
	Extraction string
	InvoiceID  *int64
	UploadedBy string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (Document) TableName() string { return "documents" }

// DocumentContent holds the bytes of a document.
type DocumentContent struct {
	DocumentID int64 `gorm:"primaryKey;autoIncrement:false"`
	Raw        []byte
}

func (DocumentContent) TableName() string { return "document_contents" }

// SupplierLayoutHints are what corrected extractions taught about one
// supplier's invoice layout, as the extractor's JSON.
type SupplierLayoutHints struct {
	SupplierID int64 `gorm:"primaryKey;autoIncrement:false"`
	Hints      string
	UpdatedAt  time.Time
}

func (SupplierLayoutHints) TableName() string { return "supplier_layout_hints" }

func init() {
	RegisterModel(&Document{})
	RegisterModel(&DocumentContent{})
	RegisterModel(&SupplierLayoutHints{})
}

// InsertDocument stores an upload and its bytes, unless the same supplier
// already uploaded the same bytes: then it returns that document and
// duplicate=true, so a second upload of one invoice is recognised instead
// of billed twice.
func (tx *Tx) InsertDocument(d *Document, raw []byte) (duplicate bool, err error) {
	if err := requireSupplier(d.SupplierID); err != nil {
		return false, err
	}
	if d.SHA256 == "" {
		return false, fault.FieldErr("sha256", "is required")
	}
	var existing Document
	err = tx.db.Where("supplier_id = ? AND sha256 = ?", d.SupplierID, d.SHA256).Take(&existing).Error
	switch {
	case err == nil:
		*d = existing
		return true, nil
	case !errors.Is(err, gorm.ErrRecordNotFound):
		return false, notFound(err, "document")
	}
	now := tx.Now()
	d.CreatedAt, d.UpdatedAt = now, now
	d.SizeBytes = int64(len(raw))
	if d.Status == "" {
		d.Status = DocumentReceived
	}
	if err := tx.db.Create(d).Error; err != nil {
		if isUniqueViolation(err) {
			return false, fault.Wrap(fault.Conflict, err, "this file is being uploaded right now; try again in a moment")
		}
		return false, notFound(err, "document")
	}
	if raw == nil {
		raw = []byte{}
	}
	if err := tx.db.Create(&DocumentContent{DocumentID: d.ID, Raw: raw}).Error; err != nil {
		return false, notFound(err, "document content")
	}
	return false, nil
}

// DocumentOutcome is what may change on a document after upload: never its
// bytes, hash, name or owner.
type DocumentOutcome struct {
	Status     string
	Reason     string
	Extraction *string // nil keeps the stored extraction
	InvoiceID  *int64
}

// SetDocumentOutcome records the result of reading or submitting a document.
func (tx *Tx) SetDocumentOutcome(id int64, o DocumentOutcome) error {
	fields := map[string]any{"status": o.Status, "reason": o.Reason, "updated_at": tx.Now()}
	if o.Extraction != nil {
		fields["extraction"] = *o.Extraction
	}
	if o.InvoiceID != nil {
		fields["invoice_id"] = *o.InvoiceID
	}
	res := tx.db.Model(&Document{}).Where("id = ?", id).Updates(fields)
	if res.Error != nil {
		return notFound(res.Error, "document")
	}
	if res.RowsAffected == 0 {
		return fault.New(fault.NotFound, "document %d not found", id)
	}
	return nil
}

// LockDocument reads a document for change, scoped to a supplier (0 = any),
// so two confirmations of one draft cannot both make an invoice.
func (tx *Tx) LockDocument(id, supplierID int64) (Document, error) {
	var d Document
	q := tx.store.forUpdate(tx.db.Where("id = ?", id))
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Take(&d).Error; err != nil {
		return d, notFound(err, "document")
	}
	return d, nil
}

// Document reads one document, scoped to a supplier (0 = any): another
// supplier's document is not found, exactly like a missing one.
func (s *Store) Document(ctx context.Context, id, supplierID int64) (Document, error) {
	var d Document
	q := s.DB(ctx).Where("id = ?", id)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Take(&d).Error; err != nil {
		return d, notFound(err, "document")
	}
	return d, nil
}

// DocumentBytes returns the stored original of a document. Callers check
// access with Document first.
func (s *Store) DocumentBytes(ctx context.Context, id int64) ([]byte, error) {
	var c DocumentContent
	if err := s.DB(ctx).Where("document_id = ?", id).Take(&c).Error; err != nil {
		return nil, notFound(err, "document content")
	}
	return c.Raw, nil
}

// SupplierHints returns the stored layout hints JSON of a supplier ("" when
// nothing was learned yet).
func (s *Store) SupplierHints(ctx context.Context, supplierID int64) (string, error) {
	if err := requireSupplier(supplierID); err != nil {
		return "", err
	}
	var h SupplierLayoutHints
	err := s.DB(ctx).Where("supplier_id = ?", supplierID).Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", notFound(err, "layout hints")
	}
	return h.Hints, nil
}

// SaveSupplierHints replaces the layout hints of a supplier.
func (tx *Tx) SaveSupplierHints(supplierID int64, hints string) error {
	if err := requireSupplier(supplierID); err != nil {
		return err
	}
	row := SupplierLayoutHints{SupplierID: supplierID, Hints: hints, UpdatedAt: tx.Now()}
	err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "supplier_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"hints", "updated_at"})}).Create(&row).Error
	if err != nil {
		return notFound(err, "layout hints")
	}
	return nil
}

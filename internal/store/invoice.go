package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/pogate/pogate/internal/fault"
)

// Invoice statuses: where an invoice stands after matching and review.
const (
	InvoiceMatched         = "matched"          // clean: in the payable queue
	InvoiceAwaitingReceipt = "awaiting_receipt" // re-matched when goods arrive
	InvoiceException       = "exception"        // accounts payable must decide
	InvoiceAccepted        = "accepted"         // AP accepted an exception: payable
	InvoiceRejected        = "rejected"         // sent back to the supplier
	InvoiceCreditRequested = "credit_requested" // AP asked the supplier for a credit note
)

// Invoice is a supplier invoice or credit note from any source.
type Invoice struct {
	ID                int64 `gorm:"primaryKey"`
	SupplierID        int64
	POID              *int64 `gorm:"column:po_id"`
	Number            string
	NumberNormalised  string
	InvoiceDate       time.Time
	DueDate           *time.Time
	Currency          string
	CreditNote        bool
	Source            string // flip, pdf, xlsx, edi, api
	SourceRef         string
	Status            string
	LinesMinor        int64
	ChargesMinor      int64
	AllowancesMinor   int64
	TaxMinor          int64
	TotalMinor        int64
	UnconfidentFields string // comma-separated field names an extractor was unsure of
	MatchOutcome      string
	MatchReasons      string // newline-separated human messages of the last run
	Resolution        string
	ResolutionReason  string
	Version           int64
	CreatedAt         time.Time
	UpdatedAt         time.Time
	Lines             []InvoiceLine   `gorm:"foreignKey:InvoiceID"`
	Charges           []InvoiceCharge `gorm:"foreignKey:InvoiceID"`
}

func (Invoice) TableName() string { return "invoices" }

// InvoiceLine is one billed line.
type InvoiceLine struct {
	ID              int64 `gorm:"primaryKey"`
	InvoiceID       int64
	LineNo          int
	POLineID        *int64 `gorm:"column:po_line_id"`
	SKU             string `gorm:"column:sku"`
	VendorPart      string
	Description     string
	Quantity        int64
	UnitPriceMicros int64
	AmountMinor     int64
}

func (InvoiceLine) TableName() string { return "invoice_lines" }

// InvoiceCharge is a header charge (kind "charge") or allowance ("allowance").
type InvoiceCharge struct {
	ID          int64 `gorm:"primaryKey"`
	InvoiceID   int64
	Kind        string
	Code        string
	Description string
	AmountMinor int64
}

func (InvoiceCharge) TableName() string { return "invoice_charges" }

// MatchRun is one run of the matching engine with its inputs and decision.
type MatchRun struct {
	ID           int64 `gorm:"primaryKey"`
	InvoiceID    int64
	RunAt        time.Time
	Outcome      string
	InputJSON    string `gorm:"column:input_json"`
	DecisionJSON string `gorm:"column:decision_json"`
}

func (MatchRun) TableName() string { return "match_runs" }

// Payable is an invoice released for payment; one per invoice at most.
type Payable struct {
	ID          int64 `gorm:"primaryKey"`
	InvoiceID   int64
	SupplierID  int64
	Currency    string
	AmountMinor int64
	DueDate     *time.Time
	Status      string // queued, exported
	QueuedAt    time.Time
	ExportedAt  *time.Time
}

func (Payable) TableName() string { return "payables" }

func init() {
	RegisterModel(&Invoice{})
	RegisterModel(&InvoiceLine{})
	RegisterModel(&InvoiceCharge{})
	RegisterModel(&MatchRun{})
	RegisterModel(&Payable{})
}

// InsertInvoice stores an invoice with its lines and charges.
func (tx *Tx) InsertInvoice(inv *Invoice) error {
	if err := requireSupplier(inv.SupplierID); err != nil {
		return err
	}
	lines, charges := inv.Lines, inv.Charges
	inv.Lines, inv.Charges = nil, nil
	inv.Version = 1
	if err := tx.db.Create(inv).Error; err != nil {
		return notFound(err, "invoice")
	}
	for i := range lines {
		lines[i].ID, lines[i].InvoiceID, lines[i].LineNo = 0, inv.ID, i+1
	}
	for i := range charges {
		charges[i].ID, charges[i].InvoiceID = 0, inv.ID
	}
	if len(lines) > 0 {
		if err := tx.db.CreateInBatches(&lines, tx.BatchSize()).Error; err != nil {
			return notFound(err, "invoice lines")
		}
	}
	if len(charges) > 0 {
		if err := tx.db.Create(&charges).Error; err != nil {
			return notFound(err, "invoice charges")
		}
	}
	inv.Lines, inv.Charges = lines, charges
	return nil
}

// LockInvoice reads an invoice for change (row lock on PostgreSQL);
// supplierID != 0 scopes it to that supplier (a negative id matches nothing).
func (tx *Tx) LockInvoice(id, supplierID int64) (Invoice, error) {
	var inv Invoice
	q := tx.store.forUpdate(tx.db.Where("id = ?", id))
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Take(&inv).Error; err != nil {
		return inv, notFound(err, "invoice")
	}
	return inv, tx.loadInvoiceParts(&inv)
}

func (tx *Tx) loadInvoiceParts(inv *Invoice) error {
	if err := tx.db.Where("invoice_id = ?", inv.ID).Order("line_no").Find(&inv.Lines).Error; err != nil {
		return notFound(err, "invoice lines")
	}
	return notFound(tx.db.Where("invoice_id = ?", inv.ID).Order("id").Find(&inv.Charges).Error, "invoice charges")
}

// SaveInvoiceHeader writes header fields with an optimistic version check.
// The written values are the new state, so the header is updated in memory
// rather than read back (one round trip less on the matching hot path).
func (tx *Tx) SaveInvoiceHeader(inv *Invoice, fields map[string]any) error {
	fields["updated_at"] = tx.Now()
	fields["version"] = inv.Version + 1
	res := tx.db.Model(&Invoice{}).Where("id = ? AND version = ?", inv.ID, inv.Version).Updates(fields)
	if res.Error != nil {
		return notFound(res.Error, "invoice")
	}
	if res.RowsAffected == 0 {
		return fault.New(fault.Conflict, "invoice %s was changed by someone else; reload and try again", inv.Number)
	}
	for col, v := range fields {
		if !setInvoiceField(inv, col, v) {
			lines, charges := inv.Lines, inv.Charges
			err := tx.db.Take(inv, inv.ID).Error
			inv.Lines, inv.Charges = lines, charges
			return notFound(err, "invoice")
		}
	}
	return nil
}

// setInvoiceField applies one written column to the in-memory header; false
// for a column or value it does not know (the caller then reads the row).
func setInvoiceField(inv *Invoice, col string, v any) bool {
	switch x := v.(type) {
	case string:
		p := map[string]*string{"status": &inv.Status, "match_outcome": &inv.MatchOutcome, "match_reasons": &inv.MatchReasons,
			"resolution": &inv.Resolution, "resolution_reason": &inv.ResolutionReason}[col]
		if p == nil {
			return false
		}
		*p = x
	case int64:
		if col != "version" {
			return false
		}
		inv.Version = x
	case time.Time:
		if col != "updated_at" {
			return false
		}
		// as the database keeps it: microseconds, UTC
		inv.UpdatedAt = x.UTC().Truncate(time.Microsecond)
	default:
		return false
	}
	return true
}

// DuplicateCandidates lists the supplier's live documents (not rejected,
// other than exceptID, of the same kind) that the duplicate check could
// flag: the same normalised number, or the same total (a near-duplicate
// also needs the same currency and a close date, which the engine decides).
// Both are indexed look-ups, so the cost does not grow with the supplier's
// history, and the result is a superset of what the engine flags.
func (tx *Tx) DuplicateCandidates(supplierID, exceptID int64, numberNormalised string, creditNote bool, totalMinor int64) ([]Invoice, error) {
	// Two indexed arms joined by UNION: SQLite does not turn an OR across
	// two indexes into index look-ups and would scan the supplier's history.
	const cols = "SELECT id, number, number_normalised, invoice_date, currency, total_minor, credit_note FROM invoices " +
		"WHERE supplier_id = ? AND id <> ? AND status <> ? AND credit_note = ? AND "
	sql := cols + "total_minor = ?"
	args := []any{supplierID, exceptID, InvoiceRejected, creditNote, totalMinor}
	if numberNormalised != "" {
		sql += " UNION " + cols + "number_normalised = ?"
		args = append(args, supplierID, exceptID, InvoiceRejected, creditNote, numberNormalised)
	}
	var out []Invoice
	err := tx.db.Raw(sql+" ORDER BY id", args...).Scan(&out).Error
	return out, notFound(err, "invoices")
}

// InvoicesAwaitingReceipt lists invoice ids waiting for goods on a PO, oldest first.
func (tx *Tx) InvoicesAwaitingReceipt(poID int64) ([]int64, error) {
	var ids []int64
	err := tx.db.Model(&Invoice{}).Where("po_id = ? AND status = ?", poID, InvoiceAwaitingReceipt).Order("id").Pluck("id", &ids).Error
	return ids, notFound(err, "invoices")
}

// LockPOLinesByID locks the given PO lines (PostgreSQL) and returns them.
func (tx *Tx) LockPOLinesByID(ids []int64) ([]POLine, error) {
	var out []POLine
	if len(ids) == 0 {
		return nil, nil
	}
	err := tx.store.forUpdate(tx.db.Where("id IN ?", ids)).Order("id").Find(&out).Error
	return out, notFound(err, "purchase order lines")
}

// LockPOLinesWithSKU locks a PO's lines (PostgreSQL; only the line rows,
// not the products) and returns them in line order with their products'
// SKUs, in one query.
func (tx *Tx) LockPOLinesWithSKU(poID int64) ([]POLine, map[int64]string, error) {
	var rows []struct {
		POLine     `gorm:"embedded"`
		ProductSKU string
	}
	q := tx.db.Table("po_lines").Select("po_lines.*, products.sku AS product_sku").
		Joins("JOIN products ON products.id = po_lines.product_id").
		Where("po_lines.po_id = ?", poID).Order("po_lines.line_no")
	if tx.store.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Table: clause.Table{Name: "po_lines"}})
	}
	if err := q.Scan(&rows).Error; err != nil {
		return nil, nil, notFound(err, "purchase order lines")
	}
	lines := make([]POLine, len(rows))
	skus := make(map[int64]string, len(rows))
	for i, r := range rows {
		lines[i] = r.POLine
		skus[r.ProductID] = r.ProductSKU
	}
	return lines, skus, nil
}

// AddInvoicedQty adds quantities to PO lines' invoiced_qty in one statement.
func (tx *Tx) AddInvoicedQty(byLine map[int64]int64) error {
	if len(byLine) == 0 {
		return nil
	}
	var sb strings.Builder
	args := make([]any, 0, 3*len(byLine))
	ids := make([]int64, 0, len(byLine))
	sb.WriteString("invoiced_qty + CASE id")
	for id, q := range byLine {
		sb.WriteString(" WHEN ? THEN ?")
		args = append(args, id, q)
		ids = append(ids, id)
	}
	sb.WriteString(" ELSE 0 END")
	res := tx.db.Model(&POLine{}).Where("id IN ?", ids).Update("invoiced_qty", clause.Expr{SQL: sb.String(), Vars: args})
	if res.Error != nil {
		return fault.Wrap(fault.Internal, res.Error, "recording invoiced quantity")
	}
	if res.RowsAffected != int64(len(ids)) {
		return fault.New(fault.Internal, "recording invoiced quantity: %s", fmt.Sprintf("%d of %d lines updated", res.RowsAffected, len(ids)))
	}
	return nil
}

// RecordMatchRun appends a match run.
func (tx *Tx) RecordMatchRun(r MatchRun) error {
	r.RunAt = tx.Now()
	return notFound(tx.db.Create(&r).Error, "match run")
}

// QueuePayable puts an invoice in the payable queue once; false when it was
// already there. The unique index decides in the INSERT itself (ON CONFLICT
// DO NOTHING), whatever runs concurrently.
func (tx *Tx) QueuePayable(p Payable) (bool, error) {
	p.Status, p.QueuedAt = "queued", tx.Now()
	res := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "invoice_id"}}, DoNothing: true}).Create(&p)
	if res.Error != nil {
		return false, notFound(res.Error, "payable")
	}
	return res.RowsAffected == 1, nil
}

// InvoiceFilter narrows an invoice listing.
type InvoiceFilter struct {
	SupplierID int64
	POID       int64
	Statuses   []string
	Search     string
}

// Invoices lists invoice headers, newest first.
func (s *Store) Invoices(ctx context.Context, f InvoiceFilter, page Page) ([]Invoice, int64, error) {
	q := s.db.WithContext(ctx).Model(&Invoice{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.POID > 0 {
		q = q.Where("po_id = ?", f.POID)
	}
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", f.Statuses)
	}
	if f.Search = strings.TrimSpace(f.Search); f.Search != "" {
		q = q.Where("UPPER(number) LIKE ? ESCAPE '\\'", "%"+strings.ToUpper(escapeLike(f.Search))+"%")
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "invoices")
	}
	var out []Invoice
	err := q.Order("id DESC").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "invoices")
}

// Invoice reads one invoice with lines and charges; supplierID != 0 scopes it.
func (s *Store) Invoice(ctx context.Context, id, supplierID int64) (Invoice, error) {
	var inv Invoice
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Take(&inv).Error; err != nil {
		return inv, notFound(err, "invoice")
	}
	tx := &Tx{db: s.db.WithContext(ctx), store: s}
	return inv, tx.loadInvoiceParts(&inv)
}

// LatestMatchRun returns the newest match run of an invoice.
func (s *Store) LatestMatchRun(ctx context.Context, invoiceID int64) (MatchRun, error) {
	var r MatchRun
	err := s.db.WithContext(ctx).Where("invoice_id = ?", invoiceID).Order("id DESC").Take(&r).Error
	return r, notFound(err, "match run")
}

// PayableFilter narrows the payable queue.
type PayableFilter struct {
	SupplierID int64
	Status     string
}

// Payables lists the payable queue, oldest first.
func (s *Store) Payables(ctx context.Context, f PayableFilter, page Page) ([]Payable, int64, error) {
	q := s.db.WithContext(ctx).Model(&Payable{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "payables")
	}
	var out []Payable
	err := q.Order("id").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "payables")
}

// MarkPayablesExported stamps payables as exported.
func (tx *Tx) MarkPayablesExported(ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return notFound(tx.db.Model(&Payable{}).Where("id IN ? AND status = ?", ids, "queued").
		Updates(map[string]any{"status": "exported", "exported_at": tx.Now()}).Error, "payables")
}

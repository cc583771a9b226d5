package store

import (
	"context"
	"fmt"
	"slices"
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

// InsertInvoices stores invoices with their lines and charges as written
// (status and match fields included), with one multi-row INSERT per table
// and batch: a batch of invoices costs a few round trips, not a few per
// invoice. IDs are set on the invoices, lines and charges.
func (tx *Tx) InsertInvoices(invs []Invoice) error {
	var nLines, nCharges int
	for i := range invs {
		if err := requireSupplier(invs[i].SupplierID); err != nil {
			return err
		}
		nLines += len(invs[i].Lines)
		nCharges += len(invs[i].Charges)
	}
	if len(invs) == 0 {
		return nil
	}
	if err := tx.db.Omit(clause.Associations).CreateInBatches(&invs, tx.BatchSize()).Error; err != nil {
		return notFound(err, "invoices")
	}
	// One slice per table, so one INSERT carries the lines of many
	// invoices; each invoice keeps a window of it, with the new ids.
	lines := make([]InvoiceLine, 0, nLines)
	charges := make([]InvoiceCharge, 0, nCharges)
	for _, inv := range invs {
		for i, l := range inv.Lines {
			l.ID, l.InvoiceID, l.LineNo = 0, inv.ID, i+1
			lines = append(lines, l)
		}
		for _, c := range inv.Charges {
			c.ID, c.InvoiceID = 0, inv.ID
			charges = append(charges, c)
		}
	}
	if len(lines) > 0 {
		if err := tx.db.CreateInBatches(&lines, tx.BatchSize()).Error; err != nil {
			return notFound(err, "invoice lines")
		}
	}
	if len(charges) > 0 {
		if err := tx.db.CreateInBatches(&charges, tx.BatchSize()).Error; err != nil {
			return notFound(err, "invoice charges")
		}
	}
	for i := range invs {
		n, m := len(invs[i].Lines), len(invs[i].Charges)
		invs[i].Lines, lines = lines[:n:n], lines[n:]
		invs[i].Charges, charges = charges[:m:m], charges[m:]
	}
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

// DuplicateKey is what the duplicate check of one invoice looks for.
type DuplicateKey struct {
	SupplierID       int64
	NumberNormalised string
	TotalMinor       int64
}

// DuplicateCandidates lists, in id order, the live documents (not
// rejected) of the keys' suppliers that the duplicate check of those
// invoices could flag: the same normalised number, or the same total (a
// near-duplicate also needs the same kind, currency and a close date, which
// the caller and the engine decide). One query serves a whole batch; per
// supplier it is two indexed look-ups, so the cost does not grow with the
// supplier's history. The result is a superset of what the engine flags.
func (tx *Tx) DuplicateCandidates(keys []DuplicateKey) ([]Invoice, error) {
	type lookups struct {
		totals  []int64
		numbers []string
	}
	bySupplier := map[int64]*lookups{}
	var suppliers []int64
	for _, k := range keys {
		l := bySupplier[k.SupplierID]
		if l == nil {
			l = &lookups{}
			bySupplier[k.SupplierID] = l
			suppliers = append(suppliers, k.SupplierID)
		}
		l.totals = append(l.totals, k.TotalMinor)
		if k.NumberNormalised != "" {
			l.numbers = append(l.numbers, k.NumberNormalised)
		}
	}
	if len(suppliers) == 0 {
		return nil, nil
	}
	// Indexed arms joined by UNION: SQLite does not turn an OR across two
	// indexes into index look-ups and would scan the supplier's history.
	const cols = "SELECT id, supplier_id, number, number_normalised, invoice_date, currency, total_minor, credit_note FROM invoices " +
		"WHERE supplier_id = ? AND status <> ? AND "
	var arms []string
	var args []any
	for _, sid := range suppliers {
		l := bySupplier[sid]
		arms = append(arms, cols+"total_minor IN ?")
		args = append(args, sid, InvoiceRejected, l.totals)
		if len(l.numbers) > 0 {
			arms = append(arms, cols+"number_normalised IN ?")
			args = append(args, sid, InvoiceRejected, l.numbers)
		}
	}
	var out []Invoice
	err := tx.db.Raw(strings.Join(arms, " UNION ")+" ORDER BY id", args...).Scan(&out).Error
	return out, notFound(err, "invoices")
}

// InvoicesAwaitingReceipt lists invoice ids waiting for goods on a PO, oldest first.
func (tx *Tx) InvoicesAwaitingReceipt(poID int64) ([]int64, error) {
	var ids []int64
	err := tx.db.Model(&Invoice{}).Where("po_id = ? AND status = ?", poID, InvoiceAwaitingReceipt).Order("id").Pluck("id", &ids).Error
	return ids, notFound(err, "invoices")
}

// LockPOsOf locks, in id order, the purchase orders of the given suppliers
// that have one of the ids or numbers (row locks on PostgreSQL; SQLite
// serialises writers) and returns their headers without lines. A batch
// locks every PO it bills in one statement, and the fixed order keeps two
// batches over the same POs from deadlocking. Callers check that each PO
// belongs to the supplier that named it.
func (tx *Tx) LockPOsOf(supplierIDs, ids []int64, numbers []string) ([]PurchaseOrder, error) {
	var out []PurchaseOrder
	if len(supplierIDs) == 0 || len(ids)+len(numbers) == 0 {
		return nil, nil
	}
	q := tx.db.Where("supplier_id IN ?", supplierIDs)
	switch {
	case len(ids) > 0 && len(numbers) > 0:
		q = q.Where("id IN ? OR number IN ?", ids, numbers)
	case len(ids) > 0:
		q = q.Where("id IN ?", ids)
	default:
		q = q.Where("number IN ?", numbers)
	}
	err := tx.store.forUpdate(q).Order("id").Find(&out).Error
	return out, notFound(err, "purchase orders")
}

// POLineOwners returns the given PO lines' ids with their PO and supplier
// (nothing else), for invoices that name PO lines but no PO.
func (tx *Tx) POLineOwners(lineIDs []int64) ([]POLine, error) {
	var out []POLine
	if len(lineIDs) == 0 {
		return nil, nil
	}
	err := tx.db.Select("id", "po_id", "supplier_id").Where("id IN ?", lineIDs).Find(&out).Error
	return out, notFound(err, "purchase order lines")
}

// LockPOLinesWithSKU locks the lines of the given POs (PostgreSQL; only the
// line rows, not the products) and returns them in PO and line order with
// their products' SKUs, in one query. Lock the POs first (LockPOsOf), as
// receipts do, so lines are only ever locked under their PO's lock.
func (tx *Tx) LockPOLinesWithSKU(poIDs []int64) ([]POLine, map[int64]string, error) {
	if len(poIDs) == 0 {
		return nil, nil, nil
	}
	var rows []struct {
		POLine     `gorm:"embedded"`
		ProductSKU string
	}
	q := tx.db.Table("po_lines").Select("po_lines.*, products.sku AS product_sku").
		Joins("JOIN products ON products.id = po_lines.product_id").
		Where("po_lines.po_id IN ?", poIDs).Order("po_lines.po_id, po_lines.line_no")
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

// MatchToleranceRules returns the tolerance rules any of the given
// suppliers' invoices over the given products can use: the brand's, the
// suppliers' and the products' (in id order; the caller picks per invoice).
func (tx *Tx) MatchToleranceRules(supplierIDs, productIDs []int64) ([]ToleranceRule, error) {
	var rules []ToleranceRule
	q := tx.db.Where("(supplier_id IS NULL AND product_id IS NULL) OR (supplier_id IN ? AND product_id IS NULL)", supplierIDs)
	if len(productIDs) > 0 {
		q = q.Or("supplier_id IS NULL AND product_id IN ?", productIDs)
	}
	err := q.Order("id").Find(&rules).Error
	return rules, notFound(err, "tolerance rules")
}

// AddInvoicedQty adds quantities to PO lines' invoiced_qty, one statement
// per BatchSize lines. Lines go in id order, so the same shape of update is
// the same SQL text (PostgreSQL's prepared statement cache hits).
func (tx *Tx) AddInvoicedQty(byLine map[int64]int64) error {
	ids := make([]int64, 0, len(byLine))
	for id := range byLine {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), tx.BatchSize())]
		ids = ids[len(chunk):]
		var sb strings.Builder
		args := make([]any, 0, 2*len(chunk))
		sb.WriteString("invoiced_qty + CASE id")
		for _, id := range chunk {
			sb.WriteString(" WHEN ? THEN ?")
			args = append(args, id, byLine[id])
		}
		sb.WriteString(" ELSE 0 END")
		res := tx.db.Model(&POLine{}).Where("id IN ?", chunk).Update("invoiced_qty", clause.Expr{SQL: sb.String(), Vars: args})
		if res.Error != nil {
			return fault.Wrap(fault.Internal, res.Error, "recording invoiced quantity")
		}
		if res.RowsAffected != int64(len(chunk)) {
			return fault.New(fault.Internal, "recording invoiced quantity: %s", fmt.Sprintf("%d of %d lines updated", res.RowsAffected, len(chunk)))
		}
	}
	return nil
}

// RecordMatchRuns appends match runs, run now, in one multi-row INSERT per
// batch.
func (tx *Tx) RecordMatchRuns(runs []MatchRun) error {
	now := tx.Now()
	for i := range runs {
		runs[i].RunAt = now
	}
	return notFound(tx.db.CreateInBatches(&runs, tx.BatchSize()).Error, "match runs")
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

// QueueNewPayables queues invoices inserted in this transaction, in one
// multi-row INSERT per batch. No other transaction can see those invoices
// yet, so none can have queued them; the unique index still refuses a
// second row.
func (tx *Tx) QueueNewPayables(ps []Payable) error {
	now := tx.Now()
	for i := range ps {
		ps[i].Status, ps[i].QueuedAt = "queued", now
	}
	return notFound(tx.db.CreateInBatches(&ps, tx.BatchSize()).Error, "payables")
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

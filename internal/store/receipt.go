package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"
)

// Receipt is one goods receipt (GRN) against a PO, optionally against one
// of its ASNs. Receipts and their lines are events: written once, never
// updated, and read by scorecards and three-way matching.
type Receipt struct {
	ID         int64 `gorm:"primaryKey"`
	Number     string
	SupplierID int64
	POID       int64  `gorm:"column:po_id"`
	ASNID      *int64 `gorm:"column:asn_id"`
	LocationID int64
	// Reference is the carrier's delivery note or the dock's own number.
	Reference string
	Notes     string
	// ClosedPO is set when this receipt also closed its PO short (the
	// supplier's backorder policy was applied).
	ClosedPO   bool `gorm:"column:closed_po"`
	ActorLabel string
	Channel    string
	ReceivedAt time.Time
	CreatedAt  time.Time
	Lines      []ReceiptLine `gorm:"foreignKey:ReceiptID"`
}

func (Receipt) TableName() string { return "receipts" }

// ReceiptLine is what arrived for one PO line, in the line's purchase unit.
//
// The rule every reader uses: damaged and rejected are parts of received,
// and AcceptedQty = ReceivedQty - DamagedQty - RejectedQty is the good
// quantity. Only accepted goods count against the PO (po_lines.received_qty),
// enter stock (StockQty = accepted × units per purchase unit) and may be
// invoiced; damaged and rejected units stay open on the PO, so closing it
// short backorders or cancels them with the rest.
type ReceiptLine struct {
	ID         int64 `gorm:"primaryKey"`
	ReceiptID  int64
	SupplierID int64
	POID       int64 `gorm:"column:po_id"`
	POLineID   int64 `gorm:"column:po_line_id"`
	ProductID  int64
	LineNo     int
	ASNLineID  *int64 `gorm:"column:asn_line_id"`
	// ExpectedQty is what the ASN said for this line (nil without an ASN);
	// ReceivedQty - ExpectedQty is the ASN discrepancy.
	ExpectedQty *int64
	ReceivedQty int64
	DamagedQty  int64
	RejectedQty int64
	AcceptedQty int64
	StockQty    int64
	Reason      string
	ReceivedAt  time.Time
}

func (ReceiptLine) TableName() string { return "receipt_lines" }

// ASNDifference is received minus what the ASN announced (0 without an ASN).
func (l ReceiptLine) ASNDifference() int64 {
	if l.ExpectedQty == nil {
		return 0
	}
	return l.ReceivedQty - *l.ExpectedQty
}

func init() {
	RegisterModel(&Receipt{})
	RegisterModel(&ReceiptLine{})
}

// InsertReceipt numbers and writes a receipt with its lines.
func (tx *Tx) InsertReceipt(r *Receipt) error {
	if err := requireSupplier(r.SupplierID); err != nil {
		return err
	}
	n, err := tx.NextValue("receipt_number")
	if err != nil {
		return err
	}
	r.Number = fmt.Sprintf("GRN-%06d", n)
	r.CreatedAt = tx.Now()
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = r.CreatedAt
	}
	lines := r.Lines
	r.Lines = nil
	if err := tx.db.Create(r).Error; err != nil {
		return notFound(err, "receipt")
	}
	for i := range lines {
		lines[i].ID, lines[i].ReceiptID, lines[i].SupplierID, lines[i].POID = 0, r.ID, r.SupplierID, r.POID
		lines[i].ReceivedAt = r.ReceivedAt
	}
	if len(lines) > 0 {
		if err := tx.db.CreateInBatches(&lines, 200).Error; err != nil {
			return notFound(err, "receipt lines")
		}
	}
	r.Lines = lines
	return nil
}

// SetReceiptClosedPO marks a receipt as the one that closed its PO.
func (tx *Tx) SetReceiptClosedPO(id int64) error {
	return notFound(tx.db.Model(&Receipt{}).Where("id = ?", id).Update("closed_po", true).Error, "receipt")
}

// LockPOLines reads the lines of a PO with a row lock (FOR UPDATE on
// PostgreSQL; SQLite's immediate transactions already serialise writers),
// so a quantity check made on them holds until the transaction ends.
func (tx *Tx) LockPOLines(poID int64) ([]POLine, error) {
	var lines []POLine
	err := tx.store.forUpdate(tx.db.Where("po_id = ?", poID).Order("line_no")).Find(&lines).Error
	return lines, notFound(err, "purchase order lines")
}

// ToleranceRules is Store.ToleranceRules of one kind inside a transaction
// (a command must not take a second pool connection while it holds one).
func (tx *Tx) ToleranceRules(kind string, supplierID int64, productIDs []int64) ([]ToleranceRule, error) {
	var rules []ToleranceRule
	q := tx.db.Where("kind = ?", kind)
	if len(productIDs) > 0 {
		q = q.Where("(supplier_id IS NULL AND product_id IS NULL) OR (supplier_id = ? AND product_id IS NULL) OR (supplier_id IS NULL AND product_id IN ?)", supplierID, productIDs)
	} else {
		q = q.Where("(supplier_id IS NULL AND product_id IS NULL) OR (supplier_id = ? AND product_id IS NULL)", supplierID)
	}
	if err := q.Find(&rules).Error; err != nil {
		return nil, notFound(err, "tolerance rules")
	}
	return rules, nil
}

// ReceiptFilter narrows a receipt listing.
type ReceiptFilter struct {
	SupplierID int64
	POID       int64
	ASNID      int64
}

// Receipts lists receipts with their lines, newest first, and the total.
func (s *Store) Receipts(ctx context.Context, f ReceiptFilter, page Page) ([]Receipt, int64, error) {
	q := s.db.WithContext(ctx).Model(&Receipt{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.POID > 0 {
		q = q.Where("po_id = ?", f.POID)
	}
	if f.ASNID > 0 {
		q = q.Where("asn_id = ?", f.ASNID)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "receipts")
	}
	var out []Receipt
	err := q.Preload("Lines", func(d *gormDB) *gormDB { return d.Order("line_no, id") }).
		Order("id DESC").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "receipts")
}

// Receipt reads one receipt with its lines; supplierID != 0 scopes it (a negative id matches nothing).
func (s *Store) Receipt(ctx context.Context, id, supplierID int64) (Receipt, error) {
	var r Receipt
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if err := q.Preload("Lines", func(d *gormDB) *gormDB { return d.Order("line_no, id") }).Take(&r).Error; err != nil {
		return r, notFound(err, "receipt")
	}
	return r, nil
}

// AcceptedByPOLine sums accepted (good) quantity per PO line over every
// receipt of the given lines: what three-way matching may invoice against.
func (s *Store) AcceptedByPOLine(ctx context.Context, poLineIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(poLineIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		POLineID int64
		Qty      int64
	}
	err := s.db.WithContext(ctx).Model(&ReceiptLine{}).
		Select("po_line_id AS po_line_id, SUM(accepted_qty) AS qty").
		Where("po_line_id IN ?", poLineIDs).Group("po_line_id").Scan(&rows).Error
	if err != nil {
		return nil, notFound(err, "receipt lines")
	}
	for _, r := range rows {
		out[r.POLineID] = r.Qty
	}
	return out, nil
}

// ClaimWrite makes this transaction SQLite's writer before it reads
// anything, so concurrent commands queue on the busy timeout instead of
// failing with SQLITE_BUSY when a read transaction tries to upgrade. The
// DSN asks for immediate transactions, but go-sqlite v1.23.0 stops reading
// DSN options after _time_format and never applies _txlock; a no-op UPDATE
// as the first statement takes the write lock just the same (InTx's retry
// on SQLITE_BUSY also gets there, but only after wasted attempts).
// PostgreSQL needs nothing: its commands lock rows FOR UPDATE.
func (tx *Tx) ClaimWrite() error {
	if tx.store.dialect != SQLite {
		return nil
	}
	return notFound(tx.db.Exec("UPDATE sequences SET value = value WHERE name = ?", "").Error, "write lock")
}

// ReceiveStock adds delta to on-hand in one upsert. Tx.AddStock updates and
// inserts when no row matched, so two first receipts of a product at a
// location race to insert and one fails on the unique index; the upsert
// cannot.
func (tx *Tx) ReceiveStock(productID, locationID, delta int64) error {
	row := StockLevel{ProductID: productID, LocationID: locationID, OnHand: delta, UpdatedAt: tx.Now()}
	err := tx.db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "product_id"}, {Name: "location_id"}},
		DoUpdates: clause.Assignments(map[string]any{
			"on_hand":    gormExpr("stock_levels.on_hand + ?", delta),
			"updated_at": row.UpdatedAt,
		}),
	}).Create(&row).Error
	return notFound(err, "stock level")
}

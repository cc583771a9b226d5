package store

import (
	"context"
	"time"
)

// Per-line acknowledgement outcomes (po_lines.ack_status and the kinds of
// po_line_changes).
const (
	AckAccepted        = "accepted"
	AckRejected        = "rejected"
	AckQuantityChanged = "quantity_changed"
	AckDateChanged     = "date_changed"
	AckPriceChanged    = "price_changed"
	AckBackordered     = "backordered"
	// AckOnHold is a line the supplier neither confirms nor refuses yet
	// (855 ACK01 IH/IF/IW); it proposes no change.
	AckOnHold = "on_hold"
	// AckChangesPending marks a line with supplier changes waiting for the buyer.
	AckChangesPending = "changes_pending"
	// AckCountered marks a line the buyer countered; the supplier acknowledges again.
	AckCountered = "countered"
)

// Line change statuses.
const (
	ChangePending   = "pending"
	ChangeAccepted  = "accepted"
	ChangeCountered = "countered"
	// ChangeSuperseded is a pending change replaced by a newer acknowledgement.
	ChangeSuperseded = "superseded"
)

// POAcknowledgement is one acknowledgement a supplier sent for a PO.
type POAcknowledgement struct {
	ID         int64 `gorm:"primaryKey"`
	POID       int64 `gorm:"column:po_id"`
	SupplierID int64
	Channel    string
	Reference  string
	Note       string
	ActorLabel string
	CreatedAt  time.Time
}

func (POAcknowledgement) TableName() string { return "po_acknowledgements" }

// POLineChange is one change a supplier proposed on a PO line. New* hold the
// supplier's values, Counter* the buyer's answer when countered.
type POLineChange struct {
	ID                     int64 `gorm:"primaryKey"`
	POID                   int64 `gorm:"column:po_id"`
	POLineID               int64 `gorm:"column:po_line_id"`
	SupplierID             int64
	AcknowledgementID      int64
	LineNo                 int
	Kind                   string
	Status                 string
	OldQuantity            int64
	NewQuantity            *int64
	OldUnitPriceMicros     int64
	NewUnitPriceMicros     *int64
	OldDate                *time.Time
	NewDate                *time.Time
	Note                   string
	ResolutionNote         string
	ResolvedBy             *int64
	ResolvedAt             *time.Time
	CounterQuantity        *int64
	CounterUnitPriceMicros *int64
	CounterDate            *time.Time
	CreatedAt              time.Time
}

func (POLineChange) TableName() string { return "po_line_changes" }

func init() {
	RegisterModel(&POAcknowledgement{})
	RegisterModel(&POLineChange{})
}

// AcknowledgementByReference finds an earlier acknowledgement with the same
// reference from the same supplier (replays).
func (tx *Tx) AcknowledgementByReference(supplierID int64, reference string) (POAcknowledgement, bool, error) {
	var a POAcknowledgement
	res := tx.db.Where("supplier_id = ? AND reference = ?", supplierID, reference).Limit(1).Find(&a)
	if res.Error != nil {
		return a, false, notFound(res.Error, "acknowledgement")
	}
	return a, res.RowsAffected > 0, nil
}

// InsertAcknowledgement records an acknowledgement.
func (tx *Tx) InsertAcknowledgement(a *POAcknowledgement) error {
	return notFound(tx.db.Create(a).Error, "acknowledgement")
}

// InsertLineChange records a proposed line change.
func (tx *Tx) InsertLineChange(c *POLineChange) error {
	return notFound(tx.db.Create(c).Error, "line change")
}

// SupersedePendingChanges marks the pending changes of a line as replaced
// by a newer acknowledgement.
func (tx *Tx) SupersedePendingChanges(lineID int64) error {
	return notFound(tx.db.Model(&POLineChange{}).Where("po_line_id = ? AND status = ?", lineID, ChangePending).
		Updates(map[string]any{"status": ChangeSuperseded, "resolved_at": tx.Now()}).Error, "line changes")
}

// LockLineChange reads one change of a PO for resolution (the PO row is
// already locked by the caller, which serialises resolutions).
func (tx *Tx) LockLineChange(poID, changeID int64) (POLineChange, error) {
	var c POLineChange
	err := tx.db.Where("id = ? AND po_id = ?", changeID, poID).Take(&c).Error
	return c, notFound(err, "line change")
}

// UpdateLineChange writes fields of one change.
func (tx *Tx) UpdateLineChange(id int64, fields map[string]any) error {
	return notFound(tx.db.Model(&POLineChange{}).Where("id = ?", id).Updates(fields).Error, "line change")
}

// PendingChangeCount counts the pending changes of a line.
func (tx *Tx) PendingChangeCount(lineID int64) (int64, error) {
	var n int64
	err := tx.db.Model(&POLineChange{}).Where("po_line_id = ? AND status = ?", lineID, ChangePending).Count(&n).Error
	return n, notFound(err, "line changes")
}

// ChangesOfAcknowledgement lists the changes one acknowledgement proposed.
func (tx *Tx) ChangesOfAcknowledgement(ackID int64) ([]POLineChange, error) {
	var out []POLineChange
	err := tx.db.Where("acknowledgement_id = ?", ackID).Order("id").Find(&out).Error
	return out, notFound(err, "line changes")
}

// POLineChanges lists a PO's changes (newest first); supplierID != 0 scopes (a negative id matches nothing)
// it; status "" means all.
func (s *Store) POLineChanges(ctx context.Context, poID, supplierID int64, status string) ([]POLineChange, error) {
	q := s.db.WithContext(ctx).Where("po_id = ?", poID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var out []POLineChange
	err := q.Order("id DESC").Find(&out).Error
	return out, notFound(err, "line changes")
}

// POAcknowledgements lists a PO's acknowledgements (newest first).
func (s *Store) POAcknowledgements(ctx context.Context, poID, supplierID int64) ([]POAcknowledgement, error) {
	q := s.db.WithContext(ctx).Where("po_id = ?", poID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	var out []POAcknowledgement
	err := q.Order("id DESC").Find(&out).Error
	return out, notFound(err, "acknowledgements")
}

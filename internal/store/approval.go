package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// CategoryApprovalThreshold holds POs touching a product category to a spend
// threshold in the brand currency (minor units).
type CategoryApprovalThreshold struct {
	ID             int64 `gorm:"primaryKey"`
	Category       string
	ThresholdMinor int64
	UpdatedAt      time.Time
}

func (CategoryApprovalThreshold) TableName() string { return "category_approval_thresholds" }

func init() { RegisterModel(&CategoryApprovalThreshold{}) }

// CategoryThresholdsFor returns the thresholds of the categories of the
// given products, keyed by category.
func (tx *Tx) CategoryThresholdsFor(productIDs []int64) (map[string]int64, error) {
	out := map[string]int64{}
	if len(productIDs) == 0 {
		return out, nil
	}
	var rows []CategoryApprovalThreshold
	err := tx.db.Where("category IN (?)", tx.db.Model(&Product{}).Select("category").Where("id IN ?", productIDs)).Find(&rows).Error
	if err != nil {
		return nil, notFound(err, "category approval thresholds")
	}
	for _, r := range rows {
		out[r.Category] = r.ThresholdMinor
	}
	return out, nil
}

// SetCategoryThreshold creates or replaces a category's threshold; a nil
// threshold removes it.
func (s *Store) SetCategoryThreshold(ctx context.Context, actor Actor, category string, thresholdMinor *int64) error {
	return s.InTx(ctx, func(tx *Tx) error {
		if thresholdMinor == nil {
			if err := tx.db.Where("category = ?", category).Delete(&CategoryApprovalThreshold{}).Error; err != nil {
				return notFound(err, "category approval threshold")
			}
			return tx.Audit(actor, "approval_threshold.removed", "category", 0, 0, map[string]string{"category": category}, nil)
		}
		row := CategoryApprovalThreshold{Category: category, ThresholdMinor: *thresholdMinor, UpdatedAt: tx.Now()}
		err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "category"}},
			DoUpdates: clause.AssignmentColumns([]string{"threshold_minor", "updated_at"})}).Create(&row).Error
		if err != nil {
			return notFound(err, "category approval threshold")
		}
		return tx.Audit(actor, "approval_threshold.set", "category", 0, 0, nil, row)
	})
}

// CategoryThresholds lists every category threshold.
func (s *Store) CategoryThresholds(ctx context.Context) ([]CategoryApprovalThreshold, error) {
	var rows []CategoryApprovalThreshold
	err := s.db.WithContext(ctx).Order("category").Find(&rows).Error
	return rows, notFound(err, "category approval thresholds")
}

// POWorkflow is the approval, dispatch and chase state of a PO that the
// PurchaseOrder model does not carry (columns added by migrations 00010-00011).
type POWorkflow struct {
	ID                   int64
	SubmittedBy          *int64
	RejectedReason       string
	DispatchClaimedUntil *time.Time
	DispatchAttempts     int
	LastDispatchError    string
	DispatchChannel      string
	EscalatedAt          *time.Time
}

// POWorkflowOf reads the workflow columns of a PO; supplierID != 0 scopes it (a negative id matches nothing).
func (s *Store) POWorkflowOf(ctx context.Context, poID, supplierID int64) (POWorkflow, error) {
	return readWorkflow(s.db.WithContext(ctx), poID, supplierID)
}

// POWorkflow reads the workflow columns inside the transaction.
func (tx *Tx) POWorkflow(poID int64) (POWorkflow, error) { return readWorkflow(tx.db, poID, 0) }

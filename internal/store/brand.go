package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// BrandSettings is the single row (id 1) of brand-wide defaults.
type BrandSettings struct {
	ID                     int64 `gorm:"primaryKey;autoIncrement:false"`
	Name                   string
	Currency               string
	TimeZone               string
	ApprovalThresholdMinor int64
	AckSLAHours            int
	ReviewDays             int
	// ServiceLevelPermille is the target service level (950 = 95%) that sets z.
	ServiceLevelPermille int
	DemandWindowDays     int
	UpdatedAt            time.Time
}

func (BrandSettings) TableName() string { return "brand_settings" }

// DefaultBrand is what a new deployment starts with (DESIGN.md section 5).
func DefaultBrand() BrandSettings {
	return BrandSettings{ID: 1, Name: "My brand", Currency: "USD", TimeZone: "UTC",
		ApprovalThresholdMinor: 200000, AckSLAHours: 24, ReviewDays: 14,
		ServiceLevelPermille: 950, DemandWindowDays: 28}
}

// Brand returns the settings, or the defaults when none were saved yet.
func (s *Store) Brand(ctx context.Context) (BrandSettings, error) {
	var b BrandSettings
	res := s.db.WithContext(ctx).Limit(1).Find(&b, 1)
	if res.Error != nil {
		return b, notFound(res.Error, "brand settings")
	}
	if res.RowsAffected == 0 {
		return DefaultBrand(), nil
	}
	return b, nil
}

// SaveBrand writes the settings row with its audit event.
func (s *Store) SaveBrand(ctx context.Context, actor Actor, b BrandSettings) error {
	b.ID = 1
	b.UpdatedAt = s.Now()
	return s.InTx(ctx, func(tx *Tx) error {
		before := DefaultBrand()
		tx.db.Limit(1).Find(&before, 1)
		if err := tx.db.Clauses(clause.OnConflict{UpdateAll: true}).Create(&b).Error; err != nil {
			return notFound(err, "brand settings")
		}
		return tx.Audit(actor, "brand.updated", "brand", 1, 0, before, b)
	})
}

// ToleranceRule is one tolerance for matching at brand (no supplier, no
// product), supplier or product scope. Nil bounds inherit; 0 means exact.
// Percentages are basis points; absolute bounds are in the kind's unit
// (quantity units, price micro-units, amount minor units).
type ToleranceRule struct {
	ID         int64 `gorm:"primaryKey"`
	SupplierID *int64
	ProductID  *int64
	Kind       string // quantity | price | amount
	PctUpperBP *int64
	PctLowerBP *int64
	AbsUpper   *int64
	AbsLower   *int64
}

func (ToleranceRule) TableName() string { return "tolerance_rules" }

// ToleranceRules returns the brand rules plus those of the supplier and the
// given products, for the matching policy resolver.
func (s *Store) ToleranceRules(ctx context.Context, supplierID int64, productIDs []int64) ([]ToleranceRule, error) {
	var rules []ToleranceRule
	q := s.db.WithContext(ctx).Where("(supplier_id IS NULL AND product_id IS NULL) OR (supplier_id = ? AND product_id IS NULL)", supplierID)
	if len(productIDs) > 0 {
		q = q.Or("supplier_id IS NULL AND product_id IN ?", productIDs)
	}
	if err := q.Find(&rules).Error; err != nil {
		return nil, notFound(err, "tolerance rules")
	}
	return rules, nil
}

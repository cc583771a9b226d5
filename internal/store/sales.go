package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Sale is units of one product sold on one day through one channel.
// SourceRef identifies the order line it came from, so re-imports of the
// same export or webhook do not count it twice.
type Sale struct {
	ID        int64 `gorm:"primaryKey"`
	ProductID int64
	SoldOn    time.Time
	Channel   string
	Quantity  int64
	SourceRef string
	CreatedAt time.Time
}

func (Sale) TableName() string { return "sales" }

// InsertSales adds sales, skipping any (channel, source_ref) already stored.
// It returns how many were new.
func (tx *Tx) InsertSales(sales []Sale) (int64, error) {
	var added int64
	now := tx.Now()
	for start := 0; start < len(sales); start += 500 {
		chunk := sales[start:min(start+500, len(sales))]
		for i := range chunk {
			chunk[i].CreatedAt = now
		}
		res := tx.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&chunk)
		if res.Error != nil {
			return added, notFound(res.Error, "sales")
		}
		added += res.RowsAffected
	}
	return added, nil
}

// SalesSince returns sales of the given products from a day on (all when
// productIDs is empty), ordered by product and day.
func (s *Store) SalesSince(ctx context.Context, since time.Time, productIDs []int64) ([]Sale, error) {
	q := s.db.WithContext(ctx).Where("sold_on >= ?", since)
	if len(productIDs) > 0 {
		q = q.Where("product_id IN ?", productIDs)
	}
	var out []Sale
	err := q.Order("product_id, sold_on").Find(&out).Error
	return out, notFound(err, "sales")
}

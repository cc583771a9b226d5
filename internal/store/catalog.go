package store

import (
	"context"
	"sort"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"gorm.io/gorm/clause"
)

// CatalogItem is what one supplier agreed to sell one product for.
// Quantities (MOQ, multiple, price-break minimums) are in purchase units;
// UnitsPerPurchaseUnit converts to the product's stock unit.
type CatalogItem struct {
	ID                   int64 `gorm:"primaryKey"`
	SupplierID           int64
	ProductID            int64
	SupplierPart         string
	UnitPriceMicros      int64
	Currency             string
	MOQ                  int64 `gorm:"column:moq"`
	OrderMultiple        int64
	PurchaseUnit         string
	UnitsPerPurchaseUnit int64
	LeadTimeDays         int
	ValidFrom            *time.Time
	ValidTo              *time.Time
	LastReviewedAt       time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
	PriceBreaks          []PriceBreak `gorm:"foreignKey:CatalogItemID"`
}

func (CatalogItem) TableName() string { return "catalog_items" }

// PriceBreak lowers the unit price from MinQty purchase units on.
type PriceBreak struct {
	ID              int64 `gorm:"primaryKey"`
	CatalogItemID   int64
	MinQty          int64
	UnitPriceMicros int64
}

func (PriceBreak) TableName() string { return "price_breaks" }

// PriceFor returns the unit price (micros) at qty purchase units: the
// lowest-threshold break that qty reaches, or the list price.
func (c CatalogItem) PriceFor(qty int64) int64 {
	price := c.UnitPriceMicros
	best := int64(-1)
	for _, b := range c.PriceBreaks {
		if qty >= b.MinQty && b.MinQty > best {
			best, price = b.MinQty, b.UnitPriceMicros
		}
	}
	return price
}

// ValidOn reports whether the item's validity window covers t.
func (c CatalogItem) ValidOn(t time.Time) bool {
	return (c.ValidFrom == nil || !t.Before(*c.ValidFrom)) && (c.ValidTo == nil || !t.After(*c.ValidTo))
}

// Validate checks the numbers a catalog row must satisfy.
func (c *CatalogItem) Validate() error {
	switch {
	case c.SupplierPart == "":
		return fault.FieldErr("supplier_part", "is required")
	case c.UnitPriceMicros < 0:
		return fault.FieldErr("unit_price", "must not be negative")
	case c.MOQ < 1:
		return fault.FieldErr("moq", "must be at least 1, got %d", c.MOQ)
	case c.OrderMultiple < 1:
		return fault.FieldErr("order_multiple", "must be at least 1, got %d", c.OrderMultiple)
	case c.UnitsPerPurchaseUnit < 1:
		return fault.FieldErr("units_per_purchase_unit", "must be at least 1, got %d", c.UnitsPerPurchaseUnit)
	case c.LeadTimeDays < 0:
		return fault.FieldErr("lead_time_days", "must not be negative, got %d", c.LeadTimeDays)
	case len(c.Currency) != 3:
		return fault.FieldErr("currency", "must be a three-letter ISO code, got %q", c.Currency)
	case c.ValidFrom != nil && c.ValidTo != nil && c.ValidTo.Before(*c.ValidFrom):
		return fault.FieldErr("valid_to", "is before valid_from")
	}
	for _, b := range c.PriceBreaks {
		if b.MinQty < 1 || b.UnitPriceMicros < 0 {
			return fault.FieldErr("price_breaks", "each break needs a minimum of at least 1 and a non-negative price")
		}
	}
	return nil
}

// UpsertCatalogItems inserts or updates items keyed by (supplier, product),
// replacing their price breaks. It runs inside the caller's transaction so an
// import applies all of a file or none of it.
func (tx *Tx) UpsertCatalogItems(items []CatalogItem) error {
	if len(items) == 0 {
		return nil
	}
	now := tx.Now()
	for i := range items {
		items[i].CreatedAt, items[i].UpdatedAt = now, now
		if items[i].LastReviewedAt.IsZero() {
			items[i].LastReviewedAt = now
		}
	}
	batch := tx.BatchSize()
	for start := 0; start < len(items); start += batch {
		end := min(start+batch, len(items))
		chunk := items[start:end]
		err := tx.db.Omit("PriceBreaks").Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "supplier_id"}, {Name: "product_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"supplier_part", "unit_price_micros", "currency", "moq", "order_multiple",
				"purchase_unit", "units_per_purchase_unit", "lead_time_days", "valid_from", "valid_to", "last_reviewed_at", "updated_at"}),
		}).Create(&chunk).Error
		if err != nil {
			return fault.Wrap(fault.Conflict, err, "saving catalog items %d-%d", start+1, end)
		}
	}
	// Resolve ids in bulk (ON CONFLICT UPDATE does not return them on every
	// driver) and replace the breaks of the items that carry some: a handful
	// of set-based statements instead of three per item.
	bySupplier := map[int64][]int64{}
	for _, it := range items {
		if len(it.PriceBreaks) > 0 {
			bySupplier[it.SupplierID] = append(bySupplier[it.SupplierID], it.ProductID)
		}
	}
	ids := map[[2]int64]int64{}
	for sup, prods := range bySupplier {
		for start := 0; start < len(prods); start += batch {
			var rows []CatalogItem
			chunk := prods[start:min(start+batch, len(prods))]
			if err := tx.db.Select("id", "supplier_id", "product_id").Where("supplier_id = ? AND product_id IN ?", sup, chunk).Find(&rows).Error; err != nil {
				return notFound(err, "catalog items")
			}
			for _, r := range rows {
				ids[[2]int64{r.SupplierID, r.ProductID}] = r.ID
			}
		}
	}
	var itemIDs []int64
	var breaks []PriceBreak
	for _, it := range items {
		if len(it.PriceBreaks) == 0 {
			continue
		}
		id := ids[[2]int64{it.SupplierID, it.ProductID}]
		itemIDs = append(itemIDs, id)
		bs := append([]PriceBreak(nil), it.PriceBreaks...)
		sort.Slice(bs, func(i, j int) bool { return bs[i].MinQty < bs[j].MinQty })
		for _, b := range bs {
			breaks = append(breaks, PriceBreak{CatalogItemID: id, MinQty: b.MinQty, UnitPriceMicros: b.UnitPriceMicros})
		}
	}
	for start := 0; start < len(itemIDs); start += batch {
		if err := tx.db.Where("catalog_item_id IN ?", itemIDs[start:min(start+batch, len(itemIDs))]).Delete(&PriceBreak{}).Error; err != nil {
			return notFound(err, "price breaks")
		}
	}
	if len(breaks) > 0 {
		if err := tx.db.CreateInBatches(&breaks, batch).Error; err != nil {
			return notFound(err, "price breaks")
		}
	}
	return nil
}

// CatalogFilter narrows a catalog listing.
type CatalogFilter struct {
	SupplierID int64
	ProductID  int64
	// StaleBefore lists only items last reviewed before this time.
	StaleBefore time.Time
}

// CatalogItems lists catalog items with their price breaks.
func (s *Store) CatalogItems(ctx context.Context, f CatalogFilter, page Page) ([]CatalogItem, int64, error) {
	q := s.db.WithContext(ctx).Model(&CatalogItem{})
	if f.SupplierID != 0 {
		q = q.Where("supplier_id = ?", f.SupplierID)
	}
	if f.ProductID > 0 {
		q = q.Where("product_id = ?", f.ProductID)
	}
	if !f.StaleBefore.IsZero() {
		q = q.Where("last_reviewed_at < ?", f.StaleBefore)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "catalog items")
	}
	var out []CatalogItem
	err := q.Preload("PriceBreaks", func(db *gormDB) *gormDB { return db.Order("min_qty") }).
		Order("supplier_id, supplier_part").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "catalog items")
}

// CatalogItem returns one item with its breaks.
func (s *Store) CatalogItem(ctx context.Context, id int64) (CatalogItem, error) {
	var c CatalogItem
	err := s.db.WithContext(ctx).Preload("PriceBreaks", func(db *gormDB) *gormDB { return db.Order("min_qty") }).Take(&c, id).Error
	return c, notFound(err, "catalog item")
}

// CountCatalogItems counts all catalog rows (benchmarks and checks).
func (s *Store) CountCatalogItems(ctx context.Context) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&CatalogItem{}).Count(&n).Error
	return n, notFound(err, "catalog items")
}

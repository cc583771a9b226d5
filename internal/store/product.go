package store

import (
	"context"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
)

// Product is a stock-keeping unit the brand sells.
type Product struct {
	ID        int64  `gorm:"primaryKey"`
	SKU       string `gorm:"column:sku"`
	Name      string
	GTIN      string `gorm:"column:gtin"`
	StockUnit string
	Category  string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (Product) TableName() string { return "products" }

// Validate checks a product's fields.
func (p *Product) Validate() error {
	p.SKU = strings.TrimSpace(p.SKU)
	p.Name = strings.TrimSpace(p.Name)
	p.GTIN = strings.TrimSpace(p.GTIN)
	if p.StockUnit == "" {
		p.StockUnit = "EA"
	}
	switch {
	case p.SKU == "":
		return fault.FieldErr("sku", "is required")
	case p.Name == "":
		return fault.FieldErr("name", "is required")
	}
	if p.GTIN != "" && !ValidGTIN(p.GTIN) {
		return fault.FieldErr("gtin", "%q is not a valid GTIN (8, 12, 13 or 14 digits with a correct check digit)", p.GTIN)
	}
	return nil
}

// ValidGTIN checks length and the mod-10 check digit.
func ValidGTIN(g string) bool {
	switch len(g) {
	case 8, 12, 13, 14:
	default:
		return false
	}
	sum := 0
	for i := len(g) - 2; i >= 0; i-- {
		c := g[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if (len(g)-2-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	last := g[len(g)-1]
	return last >= '0' && last <= '9' && int(last-'0') == (10-sum%10)%10
}

// CreateProduct inserts a product.
func (s *Store) CreateProduct(ctx context.Context, actor Actor, p *Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&Product{}).Where("sku = ?", p.SKU).Count(&n).Error; err != nil {
			return notFound(err, "product")
		}
		if n > 0 {
			return fault.FieldErr("sku", "SKU %q already exists", p.SKU)
		}
		p.Active = true
		if err := tx.db.Create(p).Error; err != nil {
			return notFound(err, "product")
		}
		return tx.Audit(actor, "product.created", "product", p.ID, 0, nil, p)
	})
}

// Product returns one product.
func (s *Store) Product(ctx context.Context, id int64) (Product, error) {
	var p Product
	err := s.db.WithContext(ctx).Take(&p, id).Error
	return p, notFound(err, "product")
}

// ProductBySKU returns one product by SKU.
func (s *Store) ProductBySKU(ctx context.Context, sku string) (Product, error) {
	var p Product
	err := s.db.WithContext(ctx).Where("sku = ?", sku).Take(&p).Error
	return p, notFound(err, "product "+sku)
}

// Products lists products by SKU with an optional search on SKU, name or GTIN.
func (s *Store) Products(ctx context.Context, search string, page Page) ([]Product, int64, error) {
	q := s.db.WithContext(ctx).Model(&Product{})
	if search = strings.TrimSpace(search); search != "" {
		like := "%" + strings.ToLower(escapeLike(search)) + "%"
		q = q.Where("LOWER(sku) LIKE ? ESCAPE '\\' OR LOWER(name) LIKE ? ESCAPE '\\' OR gtin = ?", like, like, search)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "products")
	}
	var out []Product
	err := q.Order("sku").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "products")
}

// ProductIDsBySKU maps SKUs to ids for imports.
func (s *Store) ProductIDsBySKU(ctx context.Context) (map[string]int64, error) {
	m := map[string]int64{}
	var rows []Product
	err := s.db.WithContext(ctx).Select("id", "sku").FindInBatches(&rows, 5000, func(_ *gormDB, _ int) error {
		for _, r := range rows {
			m[r.SKU] = r.ID
		}
		return nil
	}).Error
	return m, notFound(err, "products")
}

// Location is a warehouse or store that holds stock.
type Location struct {
	ID        int64 `gorm:"primaryKey"`
	Code      string
	Name      string
	CreatedAt time.Time
}

func (Location) TableName() string { return "locations" }

// Locations lists every location.
func (s *Store) Locations(ctx context.Context) ([]Location, error) {
	var ls []Location
	err := s.db.WithContext(ctx).Order("code").Find(&ls).Error
	return ls, notFound(err, "locations")
}

// CreateLocation inserts a location.
func (s *Store) CreateLocation(ctx context.Context, actor Actor, l *Location) error {
	if strings.TrimSpace(l.Code) == "" {
		return fault.FieldErr("code", "is required")
	}
	return s.InTx(ctx, func(tx *Tx) error {
		if err := tx.db.Create(l).Error; err != nil {
			return notFound(err, "location")
		}
		return tx.Audit(actor, "location.created", "location", l.ID, 0, nil, l)
	})
}

// StockLevel is on-hand and allocated stock of one product at one location.
type StockLevel struct {
	ID         int64 `gorm:"primaryKey"`
	ProductID  int64
	LocationID int64
	OnHand     int64
	Allocated  int64
	UpdatedAt  time.Time
}

func (StockLevel) TableName() string { return "stock_levels" }

// StockLevels lists stock, optionally for one product.
func (s *Store) StockLevels(ctx context.Context, productID int64, page Page) ([]StockLevel, error) {
	q := s.db.WithContext(ctx)
	if productID > 0 {
		q = q.Where("product_id = ?", productID)
	}
	var out []StockLevel
	err := q.Order("product_id, location_id").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, notFound(err, "stock levels")
}

// SetStock writes on-hand (and allocated) for a product at a location.
func (tx *Tx) SetStock(actor Actor, productID, locationID, onHand, allocated int64) error {
	if onHand < 0 || allocated < 0 {
		return fault.FieldErr("on_hand", "stock cannot be negative")
	}
	var sl StockLevel
	res := tx.db.Where("product_id = ? AND location_id = ?", productID, locationID).Limit(1).Find(&sl)
	if res.Error != nil {
		return notFound(res.Error, "stock level")
	}
	before := sl
	sl.ProductID, sl.LocationID, sl.OnHand, sl.Allocated, sl.UpdatedAt = productID, locationID, onHand, allocated, tx.Now()
	var err error
	if res.RowsAffected == 0 {
		err = tx.db.Create(&sl).Error
	} else {
		err = tx.db.Model(&StockLevel{}).Where("id = ?", sl.ID).Updates(map[string]any{"on_hand": onHand, "allocated": allocated, "updated_at": sl.UpdatedAt}).Error
	}
	if err != nil {
		return notFound(err, "stock level")
	}
	return tx.Audit(actor, "stock.set", "product", productID, 0, map[string]int64{"on_hand": before.OnHand, "allocated": before.Allocated}, map[string]int64{"on_hand": onHand, "allocated": allocated, "location_id": locationID})
}

// AddStock changes on-hand by delta (receipts), creating the row if needed.
func (tx *Tx) AddStock(productID, locationID, delta int64) error {
	res := tx.db.Model(&StockLevel{}).Where("product_id = ? AND location_id = ?", productID, locationID).
		Updates(map[string]any{"on_hand": gormExpr("on_hand + ?", delta), "updated_at": tx.Now()})
	if res.Error != nil {
		return notFound(res.Error, "stock level")
	}
	if res.RowsAffected == 0 {
		return notFound(tx.db.Create(&StockLevel{ProductID: productID, LocationID: locationID, OnHand: delta, UpdatedAt: tx.Now()}).Error, "stock level")
	}
	return nil
}

// CountStockLevels counts the stock rows StockLevels pages through, so a
// listing can say how many pages there are.
func (s *Store) CountStockLevels(ctx context.Context, productID int64) (int64, error) {
	q := s.db.WithContext(ctx).Model(&StockLevel{})
	if productID > 0 {
		q = q.Where("product_id = ?", productID)
	}
	var n int64
	err := q.Count(&n).Error
	return n, notFound(err, "stock levels")
}

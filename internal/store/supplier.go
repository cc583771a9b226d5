package store

import (
	"context"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
)

// Supplier channels and backorder policies.
const (
	ChannelPortal = "portal"
	ChannelEDI    = "edi"
	ChannelEmail  = "email"

	BackorderCreate = "backorder"
	BackorderCancel = "cancel"
)

// Supplier is a company the brand buys from.
type Supplier struct {
	ID                     int64 `gorm:"primaryKey"`
	Code                   string
	Name                   string
	ContactName            string
	Email                  string
	Phone                  string
	Currency               string
	PaymentTerms           string
	AckSLAHours            int
	BackorderPolicy        string
	Channel                string
	ApprovalThresholdMinor *int64
	Active                 bool
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

func (Supplier) TableName() string { return "suppliers" }

// Validate checks the fields a person fills in.
func (sp *Supplier) Validate() error {
	sp.Code = strings.TrimSpace(sp.Code)
	sp.Name = strings.TrimSpace(sp.Name)
	sp.Currency = strings.ToUpper(strings.TrimSpace(sp.Currency))
	switch {
	case sp.Code == "":
		return fault.FieldErr("code", "is required")
	case sp.Name == "":
		return fault.FieldErr("name", "is required")
	case len(sp.Currency) != 3:
		return fault.FieldErr("currency", "must be a three-letter ISO code such as USD, got %q", sp.Currency)
	case sp.AckSLAHours <= 0:
		return fault.FieldErr("ack_sla_hours", "must be a positive number of hours")
	}
	switch sp.BackorderPolicy {
	case BackorderCreate, BackorderCancel:
	default:
		return fault.FieldErr("backorder_policy", "must be %q or %q", BackorderCreate, BackorderCancel)
	}
	switch sp.Channel {
	case ChannelPortal, ChannelEDI, ChannelEmail:
	default:
		return fault.FieldErr("channel", "must be portal, edi or email")
	}
	return nil
}

// CreateSupplier inserts a supplier with its audit event.
func (s *Store) CreateSupplier(ctx context.Context, actor Actor, sp *Supplier) error {
	if err := sp.Validate(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Tx) error {
		var n int64
		if err := tx.db.Model(&Supplier{}).Where("code = ?", sp.Code).Count(&n).Error; err != nil {
			return notFound(err, "supplier")
		}
		if n > 0 {
			return fault.FieldErr("code", "supplier code %q is already used", sp.Code)
		}
		sp.Active = true
		if err := tx.db.Create(sp).Error; err != nil {
			return notFound(err, "supplier")
		}
		return tx.Audit(actor, "supplier.created", "supplier", sp.ID, sp.ID, nil, sp)
	})
}

// Supplier returns one supplier by id.
func (s *Store) Supplier(ctx context.Context, id int64) (Supplier, error) {
	var sp Supplier
	err := s.db.WithContext(ctx).Take(&sp, id).Error
	return sp, notFound(err, "supplier")
}

// SupplierByCode returns one supplier by its code.
func (s *Store) SupplierByCode(ctx context.Context, code string) (Supplier, error) {
	var sp Supplier
	err := s.db.WithContext(ctx).Where("code = ?", code).Take(&sp).Error
	return sp, notFound(err, "supplier "+code)
}

// Suppliers lists suppliers by code, optionally filtered by a search text.
func (s *Store) Suppliers(ctx context.Context, search string, page Page) ([]Supplier, int64, error) {
	q := s.db.WithContext(ctx).Model(&Supplier{})
	if search = strings.TrimSpace(search); search != "" {
		like := "%" + strings.ToLower(escapeLike(search)) + "%"
		q = q.Where("LOWER(code) LIKE ? ESCAPE '\\' OR LOWER(name) LIKE ? ESCAPE '\\'", like, like)
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, notFound(err, "suppliers")
	}
	var out []Supplier
	err := q.Order("code").Limit(page.limit()).Offset(page.offset()).Find(&out).Error
	return out, total, notFound(err, "suppliers")
}

// SupplierIDsByCode maps every supplier code to its id (imports resolve codes once).
func (s *Store) SupplierIDsByCode(ctx context.Context) (map[string]int64, error) {
	var rows []Supplier
	if err := s.db.WithContext(ctx).Select("id", "code").Find(&rows).Error; err != nil {
		return nil, notFound(err, "suppliers")
	}
	m := make(map[string]int64, len(rows))
	for _, r := range rows {
		m[r.Code] = r.ID
	}
	return m, nil
}

// Supplier reads a supplier inside the transaction (a command never takes a
// second pool connection while it holds one: with a small pool that could
// wait on itself).
func (tx *Tx) Supplier(id int64) (Supplier, error) {
	var sp Supplier
	err := tx.db.Take(&sp, id).Error
	return sp, notFound(err, "supplier")
}

package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// Names of the app settings other code reads.
const (
	// SettingShopifySecret is the shop's webhook signing secret (Shopify admin
	// > Settings > Notifications > Webhooks); orders/create calls are verified with it.
	SettingShopifySecret = "shopify.webhook_secret"
	// SettingSafetyStockDays, when set to a positive whole number, makes the
	// reorder engine keep that many days of demand as safety stock instead of
	// deriving it from the service level.
	SettingSafetyStockDays = "reorder.safety_stock_days"
)

// AppSetting is one named value an operator sets at run time.
type AppSetting struct {
	Name      string `gorm:"primaryKey"`
	Value     string
	UpdatedAt time.Time
}

func (AppSetting) TableName() string { return "app_settings" }

func init() { RegisterModel(&AppSetting{}) }

// Setting returns a setting's value, or "" when it was never set.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var rows []AppSetting
	if err := s.db.WithContext(ctx).Where("name = ?", name).Limit(1).Find(&rows).Error; err != nil {
		return "", notFound(err, "setting")
	}
	if len(rows) == 0 {
		return "", nil
	}
	return rows[0].Value, nil
}

// SetSetting writes a setting in the caller's transaction. The audit event
// records that it changed, but never a value marked secret.
func (tx *Tx) SetSetting(actor Actor, name, value string, secret bool) error {
	row := AppSetting{Name: name, Value: value, UpdatedAt: tx.Now()}
	err := tx.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"})}).Create(&row).Error
	if err != nil {
		return notFound(err, "setting")
	}
	shown := value
	if secret {
		shown = "(secret, not recorded)"
		if value == "" {
			shown = "(cleared)"
		}
	}
	return tx.Audit(actor, "setting.changed", "setting", 0, 0, nil, map[string]string{"name": name, "value": shown})
}

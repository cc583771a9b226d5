package store

import (
	"gorm.io/gorm/clause"
)

type sequence struct {
	Name  string `gorm:"primaryKey"`
	Value int64
}

func (sequence) TableName() string { return "sequences" }

// NextValue bumps and returns a named counter inside the transaction. The
// row lock (PostgreSQL) or the single writer (SQLite) makes values unique
// across replicas; a rolled-back transaction leaves no gap used.
func (tx *Tx) NextValue(name string) (int64, error) {
	err := tx.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.Assignments(map[string]any{"value": gormExpr("sequences.value + 1")}),
	}).Create(&sequence{Name: name, Value: 1}).Error
	if err != nil {
		return 0, notFound(err, "sequence "+name)
	}
	var v int64
	if err := tx.db.Model(&sequence{}).Select("value").Where("name = ?", name).Scan(&v).Error; err != nil {
		return 0, notFound(err, "sequence "+name)
	}
	return v, nil
}

package procure

import "gorm.io/gorm"

// gormAdd is "column + delta" for an atomic in-place increment.
func gormAdd(column string, delta int64) any { return gorm.Expr(column+" + ?", delta) }

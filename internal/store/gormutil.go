package store

import "gorm.io/gorm"

type gormDB = gorm.DB

func gormExpr(sql string, args ...any) any { return gorm.Expr(sql, args...) }

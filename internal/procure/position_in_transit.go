package procure

import (
	"context"

	"github.com/pogate/pogate/internal/store"
	"gorm.io/gorm"
)

// inTransitByProduct returns, per product, the stock units shipped on open
// ASNs of open POs and not yet received: the part of on-order that is on its
// way. It is one aggregate query (store.InTransitByProductDB, owned by the
// ASN work); ids == nil means every product.
func inTransitByProduct(_ context.Context, db *gorm.DB, ids []int64) (map[int64]int64, error) {
	return store.InTransitByProductDB(db, ids)
}

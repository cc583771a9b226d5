package store

import (
	"context"
	"fmt"
)

// POListVersion returns a supplier's PO list version: a counter that
// triggers (migration 00052) move in the same transaction as every insert,
// update or delete of that supplier's purchase orders; 0 before the first.
// Pages read it with the session (SessionPOListVersion); this is the same
// value on its own, for tests and tools.
func (s *Store) POListVersion(ctx context.Context, supplierID int64) (int64, error) {
	var v []int64
	err := s.db.WithContext(ctx).Raw(`SELECT version FROM supplier_po_versions WHERE supplier_id = ?`, supplierID).Scan(&v).Error
	if err != nil {
		return 0, fmt.Errorf("store: PO list version of supplier %d: %w", supplierID, err)
	}
	if len(v) == 0 {
		return 0, nil
	}
	return v[0], nil
}

package store

import "gorm.io/gorm"

func readWorkflow(db *gorm.DB, poID, supplierID int64) (POWorkflow, error) {
	var w POWorkflow
	q := db.Table("purchase_orders").Select("id, submitted_by, rejected_reason, dispatch_claimed_until, dispatch_attempts, last_dispatch_error, dispatch_channel, escalated_at").Where("id = ?", poID)
	if supplierID != 0 {
		q = q.Where("supplier_id = ?", supplierID)
	}
	res := q.Limit(1).Scan(&w)
	if res.Error != nil {
		return w, notFound(res.Error, "purchase order")
	}
	if res.RowsAffected == 0 {
		return w, notFound(gorm.ErrRecordNotFound, "purchase order")
	}
	return w, nil
}

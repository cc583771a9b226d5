package store

import "time"

// ReorderRun is one pass of the reorder engine, dry or real.
type ReorderRun struct {
	ID             int64 `gorm:"primaryKey"`
	StartedAt      time.Time
	FinishedAt     time.Time
	DryRun         bool
	ActorLabel     string
	SKUsConsidered int64 `gorm:"column:skus_considered"`
	Proposals      int64
	OrdersCreated  int64
}

func (ReorderRun) TableName() string { return "reorder_runs" }

// ReorderProposal is one SKU the engine wants to buy, with every input that
// made the decision. Demand and spread are units/day at scale 6; stock
// figures are stock units; Quantity is in the catalog item's purchase unit.
type ReorderProposal struct {
	ID              int64 `gorm:"primaryKey"`
	RunID           int64
	ProductID       int64
	SupplierID      int64
	CatalogItemID   int64
	POID            *int64 `gorm:"column:po_id"`
	Quantity        int64
	StockUnits      int64
	UnitPriceMicros int64
	Currency        string
	DemandMicros    int64
	SigmaMicros     int64
	WindowDays      int
	LeadTimeDays    int
	ReviewDays      int
	SafetyStock     int64
	ReorderPoint    int64
	Target          int64
	OnHand          int64
	OnOrder         int64
	Allocated       int64
	Position        int64
	Explanation     string
	CreatedAt       time.Time
}

func (ReorderProposal) TableName() string { return "reorder_proposals" }

func init() {
	RegisterModel(&ReorderRun{})
	RegisterModel(&ReorderProposal{})
}

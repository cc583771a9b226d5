package portal

import (
	"time"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// JSON shapes of the API. Money is a decimal string in the record's
// currency, never a float; unit prices keep up to six decimals.

type supplierJSON struct {
	ID              int64   `json:"id"`
	Code            string  `json:"code"`
	Name            string  `json:"name"`
	ContactName     string  `json:"contact_name"`
	Email           string  `json:"email"`
	Phone           string  `json:"phone"`
	Currency        string  `json:"currency"`
	PaymentTerms    string  `json:"payment_terms"`
	AckSLAHours     int     `json:"ack_sla_hours"`
	BackorderPolicy string  `json:"backorder_policy"`
	Channel         string  `json:"channel"`
	ApprovalLimit   *string `json:"approval_threshold,omitempty"`
	Active          bool    `json:"active"`
}

func supplierView(sp store.Supplier) supplierJSON {
	v := supplierJSON{ID: sp.ID, Code: sp.Code, Name: sp.Name, ContactName: sp.ContactName, Email: sp.Email,
		Phone: sp.Phone, Currency: sp.Currency, PaymentTerms: sp.PaymentTerms, AckSLAHours: sp.AckSLAHours,
		BackorderPolicy: sp.BackorderPolicy, Channel: sp.Channel, Active: sp.Active}
	if sp.ApprovalThresholdMinor != nil {
		s := money(*sp.ApprovalThresholdMinor, sp.Currency)
		v.ApprovalLimit = &s
	}
	return v
}

type productJSON struct {
	ID        int64  `json:"id"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	GTIN      string `json:"gtin"`
	StockUnit string `json:"stock_unit"`
	Category  string `json:"category"`
	Active    bool   `json:"active"`
}

func productView(p store.Product) productJSON {
	return productJSON{ID: p.ID, SKU: p.SKU, Name: p.Name, GTIN: p.GTIN, StockUnit: p.StockUnit, Category: p.Category, Active: p.Active}
}

type priceBreakJSON struct {
	MinQty    int64  `json:"min_qty"`
	UnitPrice string `json:"unit_price"`
}

type catalogItemJSON struct {
	ID                   int64            `json:"id"`
	SupplierID           int64            `json:"supplier_id"`
	ProductID            int64            `json:"product_id"`
	SupplierPart         string           `json:"supplier_part"`
	UnitPrice            string           `json:"unit_price"`
	Currency             string           `json:"currency"`
	MOQ                  int64            `json:"moq"`
	OrderMultiple        int64            `json:"order_multiple"`
	PurchaseUnit         string           `json:"purchase_unit"`
	UnitsPerPurchaseUnit int64            `json:"units_per_purchase_unit"`
	LeadTimeDays         int              `json:"lead_time_days"`
	ValidFrom            *time.Time       `json:"valid_from,omitempty"`
	ValidTo              *time.Time       `json:"valid_to,omitempty"`
	LastReviewedAt       time.Time        `json:"last_reviewed_at"`
	PriceBreaks          []priceBreakJSON `json:"price_breaks"`
}

func catalogItemView(c store.CatalogItem) catalogItemJSON {
	v := catalogItemJSON{ID: c.ID, SupplierID: c.SupplierID, ProductID: c.ProductID, SupplierPart: c.SupplierPart,
		UnitPrice: matching.FormatUnitPrice(c.UnitPriceMicros), Currency: c.Currency, MOQ: c.MOQ, OrderMultiple: c.OrderMultiple,
		PurchaseUnit: c.PurchaseUnit, UnitsPerPurchaseUnit: c.UnitsPerPurchaseUnit, LeadTimeDays: c.LeadTimeDays,
		ValidFrom: c.ValidFrom, ValidTo: c.ValidTo, LastReviewedAt: c.LastReviewedAt, PriceBreaks: []priceBreakJSON{}}
	for _, b := range c.PriceBreaks {
		v.PriceBreaks = append(v.PriceBreaks, priceBreakJSON{MinQty: b.MinQty, UnitPrice: matching.FormatUnitPrice(b.UnitPriceMicros)})
	}
	return v
}

type stockLevelJSON struct {
	ProductID  int64     `json:"product_id"`
	LocationID int64     `json:"location_id"`
	OnHand     int64     `json:"on_hand"`
	Allocated  int64     `json:"allocated"`
	UpdatedAt  time.Time `json:"updated_at"`
}

type poLineJSON struct {
	ID           int64      `json:"id"`
	LineNo       int        `json:"line_no"`
	ProductID    int64      `json:"product_id"`
	SupplierPart string     `json:"supplier_part"`
	Description  string     `json:"description"`
	Quantity     int64      `json:"quantity"`
	Unit         string     `json:"unit"`
	UnitPrice    string     `json:"unit_price"`
	Amount       string     `json:"amount"`
	ExpectedAt   *time.Time `json:"expected_at,omitempty"`
	ReceivedQty  int64      `json:"received_qty"`
	CancelledQty int64      `json:"cancelled_qty"`
	AckStatus    string     `json:"ack_status"`
}

type poJSON struct {
	ID             int64        `json:"id"`
	Number         string       `json:"number"`
	SupplierID     int64        `json:"supplier_id"`
	ParentID       *int64       `json:"parent_id,omitempty"`
	Status         string       `json:"status"`
	Currency       string       `json:"currency"`
	Total          string       `json:"total"`
	ApprovalRule   string       `json:"approval_rule,omitempty"`
	SentAt         *time.Time   `json:"sent_at,omitempty"`
	AckDueAt       *time.Time   `json:"ack_due_at,omitempty"`
	AcknowledgedAt *time.Time   `json:"acknowledged_at,omitempty"`
	ExpectedAt     *time.Time   `json:"expected_at,omitempty"`
	Source         string       `json:"source"`
	Notes          string       `json:"notes"`
	Version        int64        `json:"version"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	Lines          []poLineJSON `json:"lines,omitempty"`
}

func poView(po store.PurchaseOrder) poJSON {
	v := poJSON{ID: po.ID, Number: po.Number, SupplierID: po.SupplierID, ParentID: po.ParentID, Status: po.Status,
		Currency: po.Currency, Total: money(po.TotalMinor, po.Currency), ApprovalRule: po.ApprovalRule, SentAt: po.SentAt,
		AckDueAt: po.AckDueAt, AcknowledgedAt: po.AcknowledgedAt, ExpectedAt: po.ExpectedAt, Source: po.Source,
		Notes: po.Notes, Version: po.Version, CreatedAt: po.CreatedAt, UpdatedAt: po.UpdatedAt}
	for _, l := range po.Lines {
		v.Lines = append(v.Lines, poLineJSON{ID: l.ID, LineNo: l.LineNo, ProductID: l.ProductID, SupplierPart: l.SupplierPart,
			Description: l.Description, Quantity: l.Quantity, Unit: l.Unit, UnitPrice: matching.FormatUnitPrice(l.UnitPriceMicros),
			Amount: money(l.AmountMinor, po.Currency), ExpectedAt: l.ExpectedAt, ReceivedQty: l.ReceivedQty,
			CancelledQty: l.CancelledQty, AckStatus: l.AckStatus})
	}
	return v
}

type auditJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorKind  string    `json:"actor_kind"`
	ActorLabel string    `json:"actor"`
	Channel    string    `json:"channel"`
	Action     string    `json:"action"`
	Entity     string    `json:"entity"`
	EntityID   int64     `json:"entity_id"`
	Before     string    `json:"before,omitempty"`
	After      string    `json:"after,omitempty"`
}

// money formats minor units in the currency's decimals.
func money(minor int64, currency string) string {
	exp, ok := matching.CurrencyExponent(currency)
	if !ok {
		exp = 2
	}
	return matching.FormatScaled(minor, exp)
}

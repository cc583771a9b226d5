package store

import (
	"strings"
	"time"
)

// Webhook delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	// DeliveryFailed is final: every retry was used up.
	DeliveryFailed = "failed"
)

// WebhookSubscription is an external endpoint that receives signed events.
// Events is a comma-separated list of event names, or "*" for all.
type WebhookSubscription struct {
	ID        int64 `gorm:"primaryKey"`
	URL       string
	Secret    string
	Events    string
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (WebhookSubscription) TableName() string { return "webhook_subscriptions" }

// Wants reports whether the subscription asked for the event.
func (w WebhookSubscription) Wants(event string) bool {
	for _, e := range strings.Split(w.Events, ",") {
		if e = strings.TrimSpace(e); e == "*" || e == event {
			return true
		}
	}
	return false
}

// WebhookDelivery is one event on its way to one subscription.
type WebhookDelivery struct {
	ID             int64 `gorm:"primaryKey"`
	SubscriptionID int64
	EventKey       string
	Event          string
	Payload        string
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastStatus     int
	LastError      string
	DeliveredAt    *time.Time
	CreatedAt      time.Time
}

func (WebhookDelivery) TableName() string { return "webhook_deliveries" }

func init() {
	RegisterModel(&WebhookSubscription{})
	RegisterModel(&WebhookDelivery{})
}

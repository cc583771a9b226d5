package procure

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"gorm.io/gorm/clause"
)

// Outbound webhooks push domain events (po.approved, po.acknowledged,
// receipt.posted, ...) to subscribers so an inventory system sees incoming
// stock without polling. Commands write events to outbox_events in their
// own transaction; FanOut copies each new event into one webhook_deliveries
// row per interested subscription (unique, so a repeated fan-out adds
// nothing) and DeliverDue POSTs them, retrying with exponential backoff.
//
// Each POST carries JSON {"id","event","created_at","data"} and the headers
//
//	X-Pogate-Event:     the event name
//	X-Pogate-Delivery:  the event id (stable across retries: receivers dedupe on it)
//	X-Pogate-Timestamp: Unix seconds of this attempt
//	X-Pogate-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//
// Receivers recompute the HMAC with their subscription secret, compare in
// constant time and reject timestamps older than a few minutes (replays).

// Job kinds for the schedule (internal/jobs registers their workers).

// DeliverWebhooksJob fans out new outbox events and delivers what is due.
type DeliverWebhooksJob struct{}

func (DeliverWebhooksJob) Kind() string { return "webhooks.deliver" }

// ReorderJob is the daily reorder run.
type ReorderJob struct{}

func (ReorderJob) Kind() string { return "reorder.run" }

// WebhookEvent is one event to push.
type WebhookEvent struct {
	ID      int64
	Topic   string
	Payload json.RawMessage
	At      time.Time
}

// EventFeed yields events with an id above a cursor, oldest first.
type EventFeed interface {
	EventsAfter(ctx context.Context, afterID int64, limit int) ([]WebhookEvent, error)
}

// OutboxFeed reads events from the outbox_events table.
type OutboxFeed struct{ Store *store.Store }

// EventsAfter implements EventFeed.
func (f OutboxFeed) EventsAfter(ctx context.Context, afterID int64, limit int) ([]WebhookEvent, error) {
	evs, err := f.Store.OutboxEventsAfter(ctx, afterID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]WebhookEvent, len(evs))
	for i, e := range evs {
		payload := json.RawMessage(e.PayloadJSON)
		if !json.Valid(payload) {
			payload = json.RawMessage("null")
		}
		out[i] = WebhookEvent{ID: e.ID, Topic: e.Topic, Payload: payload, At: e.CreatedAt}
	}
	return out, nil
}

// Deliverer pushes events to webhook subscribers.
type Deliverer struct {
	Store  *store.Store
	Feed   EventFeed
	Client *http.Client
	// MaxAttempts before a delivery is marked failed (default 10).
	MaxAttempts int
	// Backoff is the wait after the n-th failed attempt (default 30 s × 2^(n−1), at most 6 h).
	Backoff func(attempt int) time.Duration
	// Batch bounds the events fanned out and deliveries sent per call (default 200).
	Batch int
}

// cursorSetting remembers the last outbox event fanned out.
const cursorSetting = "webhooks.outbox_cursor"

// leaseFor is how long a claimed delivery is hidden from other workers
// while its POST is in flight.
const leaseFor = 2 * time.Minute

func (d *Deliverer) defaults() {
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 10
	}
	if d.Backoff == nil {
		d.Backoff = func(n int) time.Duration {
			wait := 30 * time.Second << min(max(n-1, 0), 20)
			return min(wait, 6*time.Hour)
		}
	}
	if d.Batch <= 0 {
		d.Batch = 200
	}
	if d.Client == nil {
		d.Client = &http.Client{Timeout: 15 * time.Second}
	}
}

// FanOut turns new events into deliveries and advances the cursor, in one
// transaction. It returns how many deliveries were added.
func (d *Deliverer) FanOut(ctx context.Context) (int, error) {
	d.defaults()
	added := 0
	err := d.Store.InTx(ctx, func(tx *store.Tx) error {
		var cur []store.AppSetting
		q := tx.DB().Where("name = ?", cursorSetting)
		if d.Store.Dialect() == store.Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate})
		}
		if err := q.Limit(1).Find(&cur).Error; err != nil {
			return fmt.Errorf("procure: webhook cursor: %w", err)
		}
		var after int64
		if len(cur) == 1 {
			after, _ = strconv.ParseInt(cur[0].Value, 10, 64)
		}
		events, err := d.Feed.EventsAfter(ctx, after, d.Batch)
		if err != nil || len(events) == 0 {
			return err
		}
		var subs []store.WebhookSubscription
		if err := tx.DB().Where("active = ?", true).Find(&subs).Error; err != nil {
			return fmt.Errorf("procure: webhook subscriptions: %w", err)
		}
		now := tx.Now()
		var rows []store.WebhookDelivery
		for _, ev := range events {
			body, err := json.Marshal(map[string]any{"id": strconv.FormatInt(ev.ID, 10), "event": ev.Topic, "created_at": ev.At.UTC(), "data": ev.Payload})
			if err != nil {
				return fmt.Errorf("procure: webhook body: %w", err)
			}
			for _, sub := range subs {
				if sub.Wants(ev.Topic) {
					rows = append(rows, store.WebhookDelivery{SubscriptionID: sub.ID, EventKey: strconv.FormatInt(ev.ID, 10), Event: ev.Topic,
						Payload: string(body), Status: store.DeliveryPending, NextAttemptAt: now, CreatedAt: now})
				}
			}
			after = ev.ID
		}
		if len(rows) > 0 {
			res := tx.DB().Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 200)
			if res.Error != nil {
				return fmt.Errorf("procure: webhook deliveries: %w", res.Error)
			}
			added = int(res.RowsAffected)
		}
		return tx.DB().Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"value", "updated_at"})}).
			Create(&store.AppSetting{Name: cursorSetting, Value: strconv.FormatInt(after, 10), UpdatedAt: now}).Error
	})
	return added, err
}

// DeliveryReport says what DeliverDue did.
type DeliveryReport struct {
	Delivered, Retrying, Failed int
}

// DeliverDue claims due deliveries (skipping rows another worker holds on
// PostgreSQL), POSTs each outside any transaction and records the outcome.
func (d *Deliverer) DeliverDue(ctx context.Context) (DeliveryReport, error) {
	d.defaults()
	var rep DeliveryReport
	claimed, subs, err := d.claim(ctx)
	if err != nil {
		return rep, err
	}
	for _, del := range claimed {
		sub := subs[del.SubscriptionID]
		status, perr := d.post(ctx, sub, del)
		now := d.Store.Now()
		fields := map[string]any{"attempts": del.Attempts + 1, "last_status": status}
		switch {
		case perr == nil:
			fields["status"], fields["delivered_at"], fields["last_error"] = store.DeliveryDelivered, now, ""
			rep.Delivered++
		case del.Attempts+1 >= d.MaxAttempts:
			fields["status"], fields["last_error"] = store.DeliveryFailed, truncate(perr.Error(), 500)
			rep.Failed++
		default:
			fields["next_attempt_at"], fields["last_error"] = now.Add(d.Backoff(del.Attempts+1)), truncate(perr.Error(), 500)
			rep.Retrying++
		}
		if err := d.Store.DB(ctx).Model(&store.WebhookDelivery{}).Where("id = ?", del.ID).Updates(fields).Error; err != nil {
			return rep, fmt.Errorf("procure: record webhook delivery: %w", err)
		}
	}
	return rep, nil
}

func (d *Deliverer) claim(ctx context.Context) ([]store.WebhookDelivery, map[int64]store.WebhookSubscription, error) {
	var claimed []store.WebhookDelivery
	subs := map[int64]store.WebhookSubscription{}
	err := d.Store.InTx(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		q := tx.DB().Where("status = ? AND next_attempt_at <= ?", store.DeliveryPending, now).Order("next_attempt_at, id").Limit(d.Batch)
		if d.Store.Dialect() == store.Postgres {
			q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate, Options: clause.LockingOptionsSkipLocked})
		}
		if err := q.Find(&claimed).Error; err != nil {
			return fmt.Errorf("procure: due webhook deliveries: %w", err)
		}
		if len(claimed) == 0 {
			return nil
		}
		ids := make([]int64, len(claimed))
		for i, c := range claimed {
			ids[i] = c.ID
		}
		if err := tx.DB().Model(&store.WebhookDelivery{}).Where("id IN ?", ids).Update("next_attempt_at", now.Add(leaseFor)).Error; err != nil {
			return fmt.Errorf("procure: lease webhook deliveries: %w", err)
		}
		var ss []store.WebhookSubscription
		if err := tx.DB().Find(&ss).Error; err != nil {
			return fmt.Errorf("procure: webhook subscriptions: %w", err)
		}
		for _, s := range ss {
			subs[s.ID] = s
		}
		return nil
	})
	return claimed, subs, err
}

// post sends one delivery; a non-2xx answer is an error.
func (d *Deliverer) post(ctx context.Context, sub store.WebhookSubscription, del store.WebhookDelivery) (int, error) {
	ts := strconv.FormatInt(d.Store.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader([]byte(del.Payload)))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pogate-webhooks/1")
	req.Header.Set("X-Pogate-Event", del.Event)
	req.Header.Set("X-Pogate-Delivery", del.EventKey)
	req.Header.Set("X-Pogate-Timestamp", ts)
	req.Header.Set("X-Pogate-Signature", SignWebhook(sub.Secret, ts, []byte(del.Payload)))
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the endpoint answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}

// SignWebhook is the X-Pogate-Signature value for a body sent at timestamp.
func SignWebhook(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// WebhookSubscriptionInput creates a subscription.
type WebhookSubscriptionInput struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret"`
	Events []string `json:"events"`
}

// CreateWebhookSubscription adds an endpoint (admin only). The URL must be
// https (http only for localhost, for development); the secret at least 16 characters.
func (s *Service) CreateWebhookSubscription(ctx context.Context, actor store.Actor, in WebhookSubscriptionInput) (store.WebhookSubscription, error) {
	var sub store.WebhookSubscription
	if err := require(actor, store.RoleAdmin); err != nil {
		return sub, err
	}
	u, err := url.Parse(strings.TrimSpace(in.URL))
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLocalHost(u.Hostname()))) {
		return sub, fault.FieldErr("url", "%q is not an https URL", in.URL)
	}
	if len(in.Secret) < 16 {
		return sub, fault.FieldErr("secret", "use a random secret of at least 16 characters; receivers verify X-Pogate-Signature with it")
	}
	var events []string
	for _, e := range in.Events {
		if e = strings.TrimSpace(e); e != "" {
			if strings.Contains(e, ",") {
				return sub, fault.FieldErr("events", "%q: one event name per entry", e)
			}
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return sub, fault.FieldErr("events", "name the events to receive (po.approved, po.acknowledged, receipt.posted, ...) or \"*\" for all")
	}
	now := s.now()
	sub = store.WebhookSubscription{URL: u.String(), Secret: in.Secret, Events: strings.Join(events, ","), Active: true, CreatedAt: now, UpdatedAt: now}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.DB().Create(&sub).Error; err != nil {
			return fmt.Errorf("procure: webhook subscription: %w", err)
		}
		return tx.Audit(actor, "webhook.subscribed", "webhook_subscription", sub.ID, 0, nil, map[string]any{"url": sub.URL, "events": sub.Events})
	})
	return sub, err
}

// WebhookSubscriptions lists subscriptions (admin only).
func (s *Service) WebhookSubscriptions(ctx context.Context, actor store.Actor) ([]store.WebhookSubscription, error) {
	if err := require(actor, store.RoleAdmin); err != nil {
		return nil, err
	}
	var out []store.WebhookSubscription
	err := s.Store.DB(ctx).Order("id").Find(&out).Error
	return out, err
}

// DeleteWebhookSubscription removes a subscription and its deliveries.
func (s *Service) DeleteWebhookSubscription(ctx context.Context, actor store.Actor, id int64) error {
	if err := require(actor, store.RoleAdmin); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		res := tx.DB().Delete(&store.WebhookSubscription{}, id)
		if res.Error != nil {
			return fmt.Errorf("procure: delete webhook subscription: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return fault.New(fault.NotFound, "webhook subscription %d not found", id)
		}
		return tx.Audit(actor, "webhook.unsubscribed", "webhook_subscription", id, 0, nil, nil)
	})
}

func isLocalHost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

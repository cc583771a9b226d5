package procure

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
)

// ShopifyWebhookResult says what an orders/create call recorded.
type ShopifyWebhookResult struct {
	Order        string   `json:"order"`
	Recorded     int      `json:"recorded"`
	AlreadyKnown int      `json:"already_known"`
	Excluded     int      `json:"excluded"`
	UnknownSKUs  []string `json:"unknown_skus"`
}

// shopifyOrder is the part of Shopify's order payload the sales history needs.
type shopifyOrder struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	CreatedAt       string     `json:"created_at"`
	FinancialStatus string     `json:"financial_status"`
	CancelledAt     *string    `json:"cancelled_at"`
	LineItems       []shopLine `json:"line_items"`
}

type shopLine struct {
	ID       int64  `json:"id"`
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// ErrShopifySignature is the answer to a call whose HMAC does not verify.
var ErrShopifySignature = fault.New(fault.Unauthorized, "the X-Shopify-Hmac-Sha256 signature does not match this body and the shop secret")

// VerifyShopifyHMAC checks header = base64(HMAC-SHA256(body, secret)) in
// constant time. An empty secret or header never verifies.
func VerifyShopifyHMAC(body []byte, header, secret string) bool {
	if secret == "" || header == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// RecordShopifyOrder verifies and records an orders/create webhook. The
// signature is checked over the raw body before anything is parsed; a wrong
// one records nothing. Lines get the same SourceRef as the Shopify CSV
// import (order name | SKU, numbered when a SKU repeats in the order), so an
// order seen by both the webhook and a later export counts once; replays of
// the webhook are no-ops. Cancelled, refunded and voided orders are
// excluded; unknown SKUs are listed in the answer and the audit trail (the
// call still succeeds: Shopify retrying would not make the SKU known).
func (s *Service) RecordShopifyOrder(ctx context.Context, body []byte, signature string) (ShopifyWebhookResult, error) {
	var res ShopifyWebhookResult
	secret, err := s.Store.Setting(ctx, store.SettingShopifySecret)
	if err != nil {
		return res, err
	}
	if secret == "" {
		return res, fault.New(fault.Unauthorized, "no Shopify webhook secret is set; set %s first (PUT /api/v1/settings/%s or pogate setting set)", store.SettingShopifySecret, store.SettingShopifySecret)
	}
	if !VerifyShopifyHMAC(body, signature, secret) {
		return res, ErrShopifySignature
	}
	var o shopifyOrder
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil {
		return res, fault.Wrap(fault.Invalid, err, "the order payload is not valid JSON")
	}
	if o.Name == "" {
		o.Name = fmt.Sprintf("#%d", o.ID)
	}
	res.Order = o.Name
	res.UnknownSKUs = []string{}
	created, err := time.Parse(time.RFC3339, o.CreatedAt)
	if err != nil {
		return res, fault.FieldErr("created_at", "%q is not an RFC 3339 time", o.CreatedAt)
	}
	status := strings.ToLower(o.FinancialStatus)
	excluded := (o.CancelledAt != nil && *o.CancelledAt != "") || status == "refunded" || status == "voided"
	seen := refs{}
	var sales []store.Sale
	for _, l := range o.LineItems {
		if excluded {
			res.Excluded++
			continue
		}
		sku := strings.TrimSpace(l.SKU)
		if sku == "" || l.Quantity <= 0 {
			res.Excluded++
			continue
		}
		ref := seen.next(o.Name, sku)
		p, err := s.Store.ProductBySKU(ctx, sku)
		if err != nil {
			res.UnknownSKUs = append(res.UnknownSKUs, sku)
			continue
		}
		sales = append(sales, store.Sale{ProductID: p.ID, SoldOn: dayOf(created), Channel: "shopify", Quantity: l.Quantity, SourceRef: ref})
	}
	actor := store.Actor{Kind: store.ActorSystem, Label: "shopify webhook", Role: store.RoleAdmin, Channel: "webhook"}
	err = s.Store.InTx(ctx, func(tx *store.Tx) error {
		added, err := tx.InsertSales(sales)
		if err != nil {
			return err
		}
		res.Recorded, res.AlreadyKnown = int(added), len(sales)-int(added)
		if added == 0 && len(res.UnknownSKUs) == 0 {
			return nil // a replay or an excluded order: nothing to audit
		}
		return tx.Audit(actor, "sales.webhook", "import", 0, 0, nil, res)
	})
	return res, err
}

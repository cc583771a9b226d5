package procure_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

const shopSecret = "shpss_0123456789abcdef0123456789abcdef"

func shopifySign(body, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

const shopifyOrderJSON = `{"id":820982911946154508,"name":"#9001","created_at":"2026-03-10T23:15:00-08:00","financial_status":"paid","cancelled_at":null,
 "line_items":[{"id":466157049,"sku":"NW-001","quantity":2},{"id":518995019,"sku":"NW-002","quantity":1},{"id":703073504,"sku":"GHOST","quantity":1},{"id":703073505,"sku":"NW-001","quantity":4}]}`

func TestShopifyWebhookRecordsSalesOnce(t *testing.T) {
	w := newWorld(t)
	w.product("NW-001")
	w.product("NW-002")
	if err := w.svc.SetSetting(w.ctx, w.admin, store.SettingShopifySecret, shopSecret); err != nil {
		t.Fatal(err)
	}
	res, err := w.svc.RecordShopifyOrder(w.ctx, []byte(shopifyOrderJSON), shopifySign(shopifyOrderJSON, shopSecret))
	if err != nil {
		t.Fatal(err)
	}
	if res.Recorded != 3 || res.Order != "#9001" || len(res.UnknownSKUs) != 1 || res.UnknownSKUs[0] != "GHOST" {
		t.Fatalf("result %+v", res)
	}
	got := storedSales(t, w)
	// 23:15 on March 10th in -08:00 is March 10th for the shop.
	if got["NW-001 03-10 shopify"] != 6 || got["NW-002 03-10 shopify"] != 1 {
		t.Fatalf("stored %v", got)
	}
	again, err := w.svc.RecordShopifyOrder(w.ctx, []byte(shopifyOrderJSON), shopifySign(shopifyOrderJSON, shopSecret))
	if err != nil || again.Recorded != 0 || again.AlreadyKnown != 3 {
		t.Fatalf("replay: %+v %v", again, err)
	}
	// The same order in a later CSV export is recognised too.
	csv := "Name,Created at,Financial Status,Lineitem quantity,Lineitem sku\n#9001,2026-03-10 23:15:00 -0800,paid,2,NW-001\n#9001,,,1,NW-002\n"
	imp, err := w.svc.ImportSales(w.ctx, w.admin, strings.NewReader(csv), "shopify", procure.ImportOptions{})
	if err != nil || imp.Applied != 0 || imp.AlreadyKnown != 2 {
		t.Fatalf("csv after webhook: %+v %v", imp, err)
	}
}

// Must show: a wrong HMAC is refused as unauthorized and records nothing.
func TestShopifyWebhookWrongHMAC(t *testing.T) {
	w := newWorld(t)
	w.product("NW-001")
	w.product("NW-002")
	if err := w.svc.SetSetting(w.ctx, w.admin, store.SettingShopifySecret, shopSecret); err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(shopifyOrderJSON, `"quantity":2`, `"quantity":200`, 1)
	for name, sig := range map[string]string{
		"other secret":  shopifySign(shopifyOrderJSON, "not-the-shop-secret-at-all"),
		"tampered body": shopifySign(shopifyOrderJSON, shopSecret),
		"empty":         "",
		"not base64":    "%%%",
	} {
		body := shopifyOrderJSON
		if name == "tampered body" {
			body = tampered
		}
		_, err := w.svc.RecordShopifyOrder(w.ctx, []byte(body), sig)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Unauthorized {
			t.Fatalf("%s: err %v, want unauthorized", name, err)
		}
	}
	if got := storedSales(t, w); len(got) != 0 {
		t.Fatalf("a refused webhook stored %v", got)
	}
}

func TestShopifyWebhookNeedsSecretAndExcludesCancelled(t *testing.T) {
	w := newWorld(t)
	w.product("NW-001")
	_, err := w.svc.RecordShopifyOrder(w.ctx, []byte(shopifyOrderJSON), shopifySign(shopifyOrderJSON, ""))
	if err == nil || !strings.Contains(err.Error(), "no Shopify webhook secret") {
		t.Fatalf("no secret set: %v", err)
	}
	if err := w.svc.SetSetting(w.ctx, w.admin, store.SettingShopifySecret, shopSecret); err != nil {
		t.Fatal(err)
	}
	cancelled := `{"id":1,"name":"#7","created_at":"2026-03-10T10:00:00Z","financial_status":"voided","cancelled_at":"2026-03-10T11:00:00Z","line_items":[{"id":5,"sku":"NW-001","quantity":3}]}`
	res, err := w.svc.RecordShopifyOrder(w.ctx, []byte(cancelled), shopifySign(cancelled, shopSecret))
	if err != nil || res.Recorded != 0 || res.Excluded != 1 {
		t.Fatalf("cancelled order: %+v %v", res, err)
	}
}

func TestVerifyShopifyHMAC(t *testing.T) {
	body := []byte(`{"a":1}`)
	good := shopifySign(string(body), "secret-secret-secret")
	if !procure.VerifyShopifyHMAC(body, good, "secret-secret-secret") {
		t.Fatal("a correct signature did not verify")
	}
	if procure.VerifyShopifyHMAC(body, good, "") || procure.VerifyShopifyHMAC(body, "", "x") || procure.VerifyShopifyHMAC(append(body, ' '), good, "secret-secret-secret") {
		t.Fatal("a wrong signature verified")
	}
}

func TestSettingsMaskSecretsAndValidate(t *testing.T) {
	w := newWorld(t)
	if err := w.svc.SetSetting(w.ctx, w.admin, store.SettingShopifySecret, shopSecret); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.SetSetting(w.ctx, w.admin, store.SettingSafetyStockDays, "two"); err == nil {
		t.Fatal("accepted safety days \"two\"")
	}
	if err := w.svc.SetSetting(w.ctx, w.admin, "smtp.password", "x"); err == nil {
		t.Fatal("accepted an unknown setting")
	}
	if err := w.svc.SetSetting(w.ctx, store.Actor{Kind: store.ActorUser, ID: 2, Role: store.RoleBuyer}, store.SettingSafetyStockDays, "3"); err == nil {
		t.Fatal("a buyer changed a setting")
	}
	views, err := w.svc.Settings(w.ctx, w.admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.Name == store.SettingShopifySecret && (v.Value != "" || !v.Set || !v.Secret) {
			t.Fatalf("secret shown: %+v", v)
		}
	}
	var audit []store.AuditEvent
	if err := w.s.DB(w.ctx).Where("action = ?", "setting.changed").Find(&audit).Error; err != nil {
		t.Fatal(err)
	}
	for _, a := range audit {
		if strings.Contains(a.AfterJSON, shopSecret) {
			t.Fatalf("the secret is in the audit trail: %s", a.AfterJSON)
		}
	}
}

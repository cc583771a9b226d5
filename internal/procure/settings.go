package procure

import (
	"context"
	"sort"
	"strings"

	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
)

// settingSpec says what a run-time setting may hold.
type settingSpec struct {
	secret   bool
	describe string
	check    func(v string) error
}

// settingSpecs is the allow-list of settings the API and CLI may set.
var settingSpecs = map[string]settingSpec{
	store.SettingShopifySecret: {secret: true,
		describe: "the shop's webhook signing secret (Shopify admin > Settings > Notifications > Webhooks); verifies X-Shopify-Hmac-Sha256",
		check: func(v string) error {
			if v != "" && len(v) < 16 {
				return fault.FieldErr("value", "a Shopify webhook secret is a long random string; %d characters is too short", len(v))
			}
			return nil
		}},
	store.SettingSafetyStockDays: {
		describe: "days of demand kept as safety stock (e.g. 3 or 2.5); empty derives it from the service level",
		check: func(v string) error {
			if v == "" {
				return nil
			}
			n, err := matching.ParseUnitPrice(v)
			if err != nil || n < 0 || n > 365*1_000_000 {
				return fault.FieldErr("value", "%q is not a number of days from 0 to 365", v)
			}
			return nil
		}},
}

// SettingView is a setting as shown to people: secrets only say whether they are set.
type SettingView struct {
	Name        string `json:"name"`
	Value       string `json:"value"`
	Secret      bool   `json:"secret"`
	Set         bool   `json:"set"`
	Description string `json:"description"`
}

// SetSetting writes one allow-listed setting (admin only); "" clears it.
func (s *Service) SetSetting(ctx context.Context, actor store.Actor, name, value string) error {
	if err := require(actor, store.RoleAdmin); err != nil {
		return err
	}
	spec, ok := settingSpecs[name]
	if !ok {
		return fault.New(fault.NotFound, "unknown setting %q; settings are %s", name, strings.Join(settingNames(), ", "))
	}
	value = strings.TrimSpace(value)
	if err := spec.check(value); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Tx) error { return tx.SetSetting(actor, name, value, spec.secret) })
}

// Settings lists every allow-listed setting, secrets masked.
func (s *Service) Settings(ctx context.Context, actor store.Actor) ([]SettingView, error) {
	if err := require(actor, store.RoleAdmin); err != nil {
		return nil, err
	}
	var out []SettingView
	for _, name := range settingNames() {
		v, err := s.Store.Setting(ctx, name)
		if err != nil {
			return nil, err
		}
		spec := settingSpecs[name]
		view := SettingView{Name: name, Value: v, Secret: spec.secret, Set: v != "", Description: spec.describe}
		if spec.secret {
			view.Value = ""
		}
		out = append(out, view)
	}
	return out, nil
}

func settingNames() []string {
	out := make([]string, 0, len(settingSpecs))
	for k := range settingSpecs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

package procure

import (
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/store"
)

func TestDecideApproval(t *testing.T) {
	brand := store.DefaultBrand() // USD, 2,000.00
	own := func(v int64) *int64 { return &v }
	acme := store.Supplier{Code: "ACME", Currency: "USD"}
	strict := store.Supplier{Code: "STRICT", Currency: "USD", ApprovalThresholdMinor: own(50000)}
	euro := store.Supplier{Code: "EURO", Currency: "EUR"}
	euroOwn := store.Supplier{Code: "EURO", Currency: "EUR", ApprovalThresholdMinor: own(100000)}
	cases := []struct {
		name     string
		in       approvalInputs
		auto     bool
		rule     string
		inReason string
	}{
		{"at the brand threshold is auto", approvalInputs{Total: 200000, Currency: "USD", Brand: brand, Supplier: acme}, true, "brand_threshold", "2000.00 USD"},
		{"one cent above goes to an approver", approvalInputs{Total: 200001, Currency: "USD", Brand: brand, Supplier: acme}, false, "brand_threshold", "2000.01 USD is above"},
		{"supplier threshold replaces the brand's", approvalInputs{Total: 60000, Currency: "USD", Brand: brand, Supplier: strict}, false, "supplier_threshold", "supplier STRICT"},
		{"under the supplier threshold", approvalInputs{Total: 50000, Currency: "USD", Brand: brand, Supplier: strict}, true, "supplier_threshold", ""},
		{"strictest category wins", approvalInputs{Total: 40000, Currency: "USD", Brand: brand, Supplier: acme,
			CategoryLimits: map[string]int64{"Lamps": 30000, "Mugs": 100000}}, false, "category_threshold:Lamps", "category Lamps"},
		{"category stricter than supplier", approvalInputs{Total: 45000, Currency: "USD", Brand: brand, Supplier: strict,
			CategoryLimits: map[string]int64{"Mugs": 40000}}, false, "category_threshold:Mugs", ""},
		{"supplier stricter than category", approvalInputs{Total: 45000, Currency: "USD", Brand: brand, Supplier: strict,
			CategoryLimits: map[string]int64{"Mugs": 900000}}, true, "supplier_threshold", ""},
		{"a generous category still applies instead of the brand", approvalInputs{Total: 300000, Currency: "USD", Brand: brand, Supplier: acme,
			CategoryLimits: map[string]int64{"Mugs": 500000}}, true, "category_threshold:Mugs", ""},
		{"foreign currency without own threshold", approvalInputs{Total: 100, Currency: "EUR", Brand: brand, Supplier: euro}, false, "currency_differs", "EUR"},
		{"foreign currency with supplier threshold in its currency", approvalInputs{Total: 90000, Currency: "EUR", Brand: brand, Supplier: euroOwn,
			CategoryLimits: map[string]int64{"Mugs": 1}}, true, "supplier_threshold", "1000.00 EUR"},
		{"JPY has no decimals", approvalInputs{Total: 250000, Currency: "JPY", Brand: store.BrandSettings{Currency: "JPY", ApprovalThresholdMinor: 300000}, Supplier: store.Supplier{Currency: "JPY"}}, true, "brand_threshold", "250000 JPY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decideApproval(c.in)
			if d.Auto != c.auto || d.Rule != c.rule {
				t.Fatalf("got auto=%v rule=%q (%s), want auto=%v rule=%q", d.Auto, d.Rule, d.Reason, c.auto, c.rule)
			}
			if !strings.Contains(d.Reason, c.inReason) {
				t.Errorf("reason %q does not mention %q", d.Reason, c.inReason)
			}
		})
	}
}

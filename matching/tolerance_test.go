package matching

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestResolveSupplierOverSKUOverBrand(t *testing.T) {
	brand := Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(200), Absolute: Int(1_000_000)}}}
	cases := []struct {
		name        string
		supplier    Policy
		sku         *Policy
		wantPercent Setting
		wantAbs     Setting
	}{
		{
			name:        "brand default only",
			wantPercent: Setting{Value: 200, Set: true, From: LevelBrand},
			wantAbs:     Setting{Value: 1_000_000, Set: true, From: LevelBrand},
		},
		{
			name:        "SKU overrides brand, absolute inherits",
			sku:         &Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(500)}}},
			wantPercent: Setting{Value: 500, Set: true, From: LevelSKU},
			wantAbs:     Setting{Value: 1_000_000, Set: true, From: LevelBrand},
		},
		{
			name:        "supplier overrides SKU",
			supplier:    Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(100)}}},
			sku:         &Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(500)}}},
			wantPercent: Setting{Value: 100, Set: true, From: LevelSupplier},
			wantAbs:     Setting{Value: 1_000_000, Set: true, From: LevelBrand},
		},
		{
			name:        "supplier 0 means exact, not inherit",
			supplier:    Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(0)}}},
			sku:         &Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(500)}}},
			wantPercent: Setting{Value: 0, Set: true, From: LevelSupplier},
			wantAbs:     Setting{Value: 1_000_000, Set: true, From: LevelBrand},
		},
		{
			name:        "negative counts as exact",
			sku:         &Policy{UnitPrice: Band{Upper: Bound{Absolute: Int(-5)}}},
			wantPercent: Setting{Value: 200, Set: true, From: LevelBrand},
			wantAbs:     Setting{Value: 0, Set: true, From: LevelSKU},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Resolve(&tc.supplier, tc.sku, &brand).UnitPrice.Upper
			if got.PercentBP != tc.wantPercent || got.Absolute != tc.wantAbs {
				t.Fatalf("got %+v, want percent %+v abs %+v", got, tc.wantPercent, tc.wantAbs)
			}
		})
	}
	empty := Resolve(nil, nil, nil)
	if empty.UnitPrice.Upper.PercentBP.Set || empty.NearDuplicateDays.Value != DefaultNearDuplicateDays {
		t.Fatalf("empty resolution %+v", empty)
	}
}

func TestAllowance(t *testing.T) {
	set := func(v int64) Setting { return Setting{Value: v, Set: true, From: LevelBrand} }
	cases := []struct {
		name     string
		bound    ResolvedBound
		expected int64
		want     int64
	}{
		{"nothing set is exact", ResolvedBound{}, 10_000_000, 0},
		{"percent only", ResolvedBound{PercentBP: set(200)}, 10_000_000, 200_000},
		{"absolute only", ResolvedBound{Absolute: set(50_000)}, 10_000_000, 50_000},
		{"both: smaller wins (absolute)", ResolvedBound{PercentBP: set(200), Absolute: set(50_000)}, 10_000_000, 50_000},
		{"both: smaller wins (percent)", ResolvedBound{PercentBP: set(200), Absolute: set(500_000)}, 10_000_000, 200_000},
		{"percent 0 with absolute is exact", ResolvedBound{PercentBP: set(0), Absolute: set(500_000)}, 10_000_000, 0},
	}
	for _, tc := range cases {
		if got := tc.bound.Allowance(tc.expected); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// End to end through the engine: a SKU-level 5% price tolerance lets a 4%
// increase pass, until the supplier-level setting says exact.
func TestToleranceLevelsInTheEngine(t *testing.T) {
	in := baseInput()
	in.Tolerances.Brand.UnitPrice.Upper.PercentBP = Int(200)
	in.Tolerances.SKU = map[string]Policy{"WIDGET": {UnitPrice: Band{Upper: Bound{PercentBP: Int(500)}}}}
	setLine(in, 0, 500, 10_400_000)

	d := Match(in)
	assertDecision(t, &d, Matched)

	in.Tolerances.SKU = nil // brand 2% applies
	d = Match(in)
	assertDecision(t, &d, Exception, CodePriceOverTolerance)
	if f := reasonOf(t, &d, CodePriceOverTolerance).Figure; f.Tolerance.PercentBP.From != LevelBrand {
		t.Fatalf("from %s", f.Tolerance.PercentBP.From)
	}

	in.Tolerances.SKU = map[string]Policy{"WIDGET": {UnitPrice: Band{Upper: Bound{PercentBP: Int(500)}}}}
	in.Tolerances.Supplier.UnitPrice.Upper.PercentBP = Int(0) // supplier: exact
	d = Match(in)
	assertDecision(t, &d, Exception, CodePriceOverTolerance)
	r := reasonOf(t, &d, CodePriceOverTolerance)
	if r.Figure.Tolerance.PercentBP.From != LevelSupplier || r.Figure.Allowed != 0 {
		t.Fatalf("figure %+v", r.Figure)
	}
	wantMessage(CodePriceOverTolerance, "no difference is allowed (exact, set at supplier level)")(t, &d)

	in.Tolerances.Supplier.UnitPrice.Upper.PercentBP = nil // inherit again
	d = Match(in)
	assertDecision(t, &d, Matched)
}

func TestPolicyValidate(t *testing.T) {
	ok := Policy{Quantity: Band{Upper: Bound{PercentBP: Int(0)}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := Policy{Amount: Band{Lower: Bound{Absolute: Int(-1)}}, NearDuplicateDays: Int(-2)}
	err := bad.Validate()
	if !errors.Is(err, ErrNegativeTolerance) || err.Error() != "amount.lower.absolute, near_duplicate_days: tolerance must not be negative" {
		t.Fatalf("err %v", err)
	}
}

func TestPolicyJSONKeepsInheritAndExactApart(t *testing.T) {
	p := Policy{UnitPrice: Band{Upper: Bound{PercentBP: Int(0)}}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.UnitPrice.Upper.PercentBP == nil || *back.UnitPrice.Upper.PercentBP != 0 || back.UnitPrice.Upper.Absolute != nil {
		t.Fatalf("round trip %s lost the difference", b)
	}
	var lvl Level
	if err := lvl.UnmarshalText([]byte("sku")); err != nil || lvl != LevelSKU {
		t.Fatalf("level %v %v", lvl, err)
	}
	if err := lvl.UnmarshalText([]byte("galaxy")); err == nil {
		t.Fatal("unknown level accepted")
	}
}

func TestDaysFromCivilAgreesWithTime(t *testing.T) {
	for _, d := range []time.Time{
		time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 27, 23, 59, 0, 0, time.UTC), time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC),
		time.Date(-400, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC),
	} {
		// Midnight is a whole number of days from the epoch, so the division is exact.
		want := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400
		if got, _ := civilDay(d); got != want {
			t.Errorf("%s: %d, want %d", d, got, want)
		}
	}
}

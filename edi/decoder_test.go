package edi

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSetNumbersMatchesMap checks the ST02 uniqueness set against the
// plain map it replaces: the first limit distinct values are remembered,
// later ones only checked.
func TestSetNumbersMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := []func(i int) string{
		func(i int) string { return fmt.Sprintf("%09d", i) },                       // counting up
		func(i int) string { return fmt.Sprintf("%04d", rng.IntN(300)) },           // repeats, any order
		func(i int) string { return fmt.Sprintf("%d", 2000-i) },                    // counting down
		func(i int) string { return []string{"0042", "42", "042", "A42"}[i%4] },    // same number, other strings
		func(i int) string { return fmt.Sprintf("X%d", rng.IntN(50)) },             // not digits
		func(i int) string { return strings.Repeat("9", 15+rng.IntN(3)) },          // 15-17 digits
		func(i int) string { return fmt.Sprintf("%d", i/3+rng.IntN(5)*(i%2)*100) }, // mostly ascending
	}
	for gi, g := range gen {
		for _, limit := range []int{5, 100, 10000} {
			var s setNumbers
			ref := map[string]struct{}{}
			for round := 0; round < 2; round++ { // reset reuses the storage
				s.reset()
				clear(ref)
				for i := 0; i < 1000; i++ {
					v := g(i)
					_, want := ref[v]
					if !want && len(ref) < limit {
						ref[v] = struct{}{}
					}
					if got := s.add(v, limit); got != want {
						t.Fatalf("generator %d, limit %d, value %d %q: dup %v, want %v", gi, limit, i, v, got, want)
					}
				}
				if s.len() != len(ref) {
					t.Fatalf("generator %d, limit %d: %d values kept, want %d", gi, limit, s.len(), len(ref))
				}
			}
		}
	}
}

// TestDuplicateSetControlNumber: a repeated ST02 within a group is noted
// (AK5 23), in the next group it is fine again.
func TestDuplicateSetControlNumber(t *testing.T) {
	set := func(cn string) string {
		return "ST*997*" + cn + "~AK1*PO*1~AK9*A*0*0*0~SE*4*" + cn + "~"
	}
	in := "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261127*0930*U*00401*000000001*0*P*>~" +
		"GS*FA*A*B*20261127*0930*1*X*004010~" + set("0001") + set("0002") + set("0001") + "GE*3*1~" +
		"GS*FA*A*B*20261127*0930*2*X*004010~" + set("0001") + "GE*1*2~IEA*2*000000001~"
	f, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range f.Interchanges[0].Groups {
		for _, tx := range g.Transactions {
			codes := []string{}
			for _, e := range tx.Errors {
				codes = append(codes, e.Code)
			}
			got = append(got, strings.Join(codes, ","))
		}
	}
	if want := []string{"", "", AK5ControlNumberNotUnique, ""}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("set errors %q, want %q", got, want)
	}
}

package edi

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFixturesParseClean(t *testing.T) {
	for _, p := range fixtureFiles(t) {
		if strings.HasPrefix(filepath.Base(p), "bad-") {
			continue
		}
		f := parseFile(t, p)
		for _, e := range allErrors(f) {
			t.Errorf("%s: %v", p, e)
		}
	}
}

// firstDoc parses a fixture and returns its first transaction's document.
func firstDoc(t *testing.T, name string) Document {
	t.Helper()
	f := parseFile(t, filepath.Join("testdata", name))
	return f.Interchanges[0].Groups[0].Transactions[0].Document
}

func TestTyped850(t *testing.T) {
	po := firstDoc(t, "850-fixture.edi").(*PO850)
	checks := []struct{ name, got, want string }{
		{"po_number", po.PONumber, "PO-1001"},
		{"po_date", po.PODate.String(), "2026-11-27"},
		{"currency", po.Currency, "EUR"},
		{"line1 qty", po.Lines[0].Quantity.String(), "300"},
		{"line1 price keeps scale", po.Lines[0].UnitPrice.String(), "2.125"},
		{"line1 buyer", po.Lines[0].BuyerPart, "SKU-1"},
		{"line1 vendor", po.Lines[0].VendorPart, "AC-100"},
		{"line1 upc", po.Lines[0].UPC, "012345678905"},
		{"line1 desc", po.Lines[0].Description, "Blue widget"},
		{"line2 qty", po.Lines[1].Quantity.String(), "12.5"},
		{"line2 VN is vendor part", po.Lines[1].VendorPart, "AC-200"},
		{"header charge N2", po.Charges[0].Amount.String(), "12.50"},
		{"line charge negative N2", po.Lines[1].Charges[0].Amount.String(), "-5.00"},
		{"line charge description", po.Lines[1].Charges[0].Description, "Early order"},
		{"terms net days", itoa(po.Terms[0].NetDays), "30"},
		{"total", po.Total.String(), "762.50"},
		{"ship-to address", strings.Join(po.Parties[0].Address, "|"), "1 Dock Road|Unit 4"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestTyped855LineStatus(t *testing.T) {
	ack := firstDoc(t, "855-fixture.edi").(*Ack855)
	if ack.AckType != "AC" || ack.PONumber != "PO-1001" || ack.OrderNumber != "SO-77" {
		t.Errorf("header = %+v", ack)
	}
	var got []string
	for _, l := range ack.Lines {
		got = append(got, l.LineNumber+":"+l.Status+":"+itoa(len(l.Acks)))
	}
	if want := []string{"1:IA:1", "2:IQ:2"}; !slices.Equal(got, want) {
		t.Errorf("line statuses = %v, want %v", got, want)
	}
	if d := ack.Lines[1].Acks[1].Date.String(); d != "2027-01-05" {
		t.Errorf("backorder date = %s", d)
	}
}

func TestTyped856Trees(t *testing.T) {
	f := parseFile(t, filepath.Join("testdata", "856-fixture.edi"))
	txs := f.Interchanges[0].Groups[0].Transactions
	sopi := txs[0].Document.(*ASN856)
	if sopi.ShipmentID != "SHIP-555" || sopi.Carrier != "DHLX" || sopi.Weight.String() != "41.5" {
		t.Errorf("shipment = %+v", sopi)
	}
	o := sopi.Orders[0]
	if o.PONumber != "PO-1001" || len(o.Packs) != 2 || len(o.Items) != 1 {
		t.Fatalf("order = %+v", o)
	}
	if o.Packs[0].SSCC != "123456000000000018" || !ValidSSCC(o.Packs[0].SSCC) {
		t.Errorf("SSCC with AI 00 = %q", o.Packs[0].SSCC)
	}
	if o.Packs[1].Marks[0] != (Reference{Qualifier: "CP", Value: "TRACK-1"}) {
		t.Errorf("marks = %+v", o.Packs[1].Marks)
	}
	if q := o.Packs[0].Items[0].Quantity.String(); q != "200" || o.Packs[0].Items[0].OrderedQuantity.String() != "300" {
		t.Errorf("pack item qty = %s", q)
	}
	if q := o.Items[0].Quantity.String(); q != "12.5" {
		t.Errorf("loose item qty = %s", q)
	}
	soip := txs[1].Document.(*ASN856)
	it := soip.Orders[0].Items[0]
	if len(it.Packs) != 2 || it.Packs[1].SSCC != "123456000000000049" {
		t.Errorf("S-O-I-P packs under item = %+v", it.Packs)
	}
}

func TestTyped810(t *testing.T) {
	inv := firstDoc(t, "810-fixture.edi").(*Invoice810)
	checks := []struct{ name, got, want string }{
		{"invoice_number", inv.InvoiceNumber, "INV-2001"},
		{"invoice_date", inv.InvoiceDate.String(), "2026-12-05"},
		{"po", inv.PONumber, "PO-1001"},
		{"TDS01 N2", inv.Total.String(), "900.00"},
		{"TDS02 N2", inv.SubjectToDiscount.String(), "885.00"},
		{"line tax", inv.Lines[0].Taxes[0].Amount.String(), "127.50"},
		{"line allowance", inv.Lines[1].Indicator(), "A:5.00"},
		{"summary charge", inv.Charges[0].Code + ":" + inv.Charges[0].Amount.String(), "D240:12.50"},
		{"summary tax", inv.Taxes[0].Percent.String(), "20"},
		{"terms discount amount", inv.Terms[0].DiscountAmount.String(), "15.00"},
		{"terms discount percent", inv.Terms[0].DiscountPercent.String(), "2"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

// Indicator summarises a line's first charge for the table above.
func (l InvoiceLine) Indicator() string {
	if len(l.Charges) == 0 {
		return ""
	}
	return l.Charges[0].Indicator + ":" + l.Charges[0].Amount.String()
}

func TestTyped997(t *testing.T) {
	fa := firstDoc(t, "997-fixture.edi").(*FuncAck997)
	if fa.GroupFunctionalID != "PO" || fa.GroupControlNumber != "101" || fa.Status != "P" || fa.Accepted != 1 {
		t.Errorf("997 = %+v", fa)
	}
	s := fa.Sets[0]
	if s.Status != "R" || s.Segments[0].SegmentID != "PO1" || s.Segments[0].Elements[0].Code != "6" {
		t.Errorf("set ack = %+v", s)
	}
}

func TestBadFixtures(t *testing.T) {
	cases := []struct {
		file string
		want []errKey
		ta1  string
		ak9  string
		ak5  string
	}{
		{"bad-850-negative-qty-invalid-date.edi",
			[]errKey{{LevelElement, "8", "DTM", 2}, {LevelElement, "6", "PO1", 2}}, "", "R", "R"},
		{"bad-856-counts-hl-level.edi",
			[]errKey{{LevelGroup, "5", "GE", 0}, {LevelElement, "7", "HL", 3}, {LevelTransaction, "4", "SE", 0}}, "", "R", "R"},
		{"bad-810-iea-control.edi", []errKey{{LevelInterchange, "001", "IEA", 2}}, "001", "", ""},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f := parseFile(t, filepath.Join("testdata", c.file))
			got := keysOf(allErrors(f))
			if !slices.Equal(got, c.want) {
				t.Errorf("errors = %v, want %v", got, c.want)
			}
			ta1, acks := Acks(f.Interchanges[0], false)
			if c.ta1 != "" {
				if ta1 == nil || ta1.NoteCode != c.ta1 || ta1.AckCode != "R" {
					t.Errorf("TA1 = %+v", ta1)
				}
				return
			}
			if acks[0].Status != c.ak9 || acks[0].Sets[0].Status != c.ak5 {
				t.Errorf("997 = %+v", acks[0])
			}
		})
	}
}

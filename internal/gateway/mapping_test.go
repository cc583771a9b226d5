package gateway

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pogate/pogate/edi"
	"github.com/pogate/pogate/internal/fault"
)

func parseOne(t testing.TB, x12 string) *edi.Transaction {
	t.Helper()
	f, err := edi.Parse(strings.NewReader(x12))
	if err != nil || len(f.Interchanges) == 0 || len(f.Interchanges[0].Groups) == 0 || len(f.Interchanges[0].Groups[0].Transactions) == 0 {
		t.Fatalf("parse: %v %+v", err, f)
	}
	return f.Interchanges[0].Groups[0].Transactions[0]
}

func TestMapFixtures(t *testing.T) {
	ack, err := MapAck(parseOne(t, string(readFixture(t, "855-ack-po1001.edi"))).Document.(*edi.Ack855), 9, "edi:1:1")
	if err != nil {
		t.Fatal(err)
	}
	if ack.SupplierID != 9 || ack.PONumber != "PO-1001" || ack.AckDate == nil || ack.AckDate.Format("2006-01-02") != "2026-11-28" {
		t.Fatalf("ack %+v", ack)
	}
	l1 := ack.Lines[0]
	if l1.Outcome != LineAccepted || l1.Quantity != 300 || *l1.UnitPriceMicros != 2_125_000 || l1.PromisedAt.Format("2006-01-02") != "2026-12-10" {
		t.Fatalf("ack line 1 %+v", l1)
	}

	asn, err := MapASN(parseOne(t, string(readFixture(t, "856-ship-po1001.edi"))).Document.(*edi.ASN856), 9, "edi:2:1")
	if err != nil {
		t.Fatal(err)
	}
	if asn.ShipmentID != "SHIP-555" || asn.BillOfLading != "BOL-9" || asn.Carrier != "DHLX" || len(asn.Orders) != 1 {
		t.Fatalf("asn %+v", asn)
	}
	got, _ := json.Marshal(asn.Orders[0].Lines)
	want := `[{"line_no":1,"buyer_part":"SKU-1","vendor_part":"AC-100","quantity":200,"unit":"EA","sscc":"123456000000000018"},` +
		`{"line_no":2,"buyer_part":"SKU-2","quantity":12,"unit":"EA","sscc":"123456000000000025"}]`
	if string(got) != want {
		t.Fatalf("asn lines\n got %s\nwant %s", got, want)
	}

	inv, err := MapInvoice(parseOne(t, string(readFixture(t, "810-invoice-po1001.edi"))).Document.(*edi.Invoice810), 9, "USD", "edi:3:1")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Currency != "EUR" || inv.TotalMinor != 55750 || inv.InvoiceNumber != "INV-2002" || inv.PONumber != "PO-1001" ||
		inv.Lines[0].UnitPriceMicros != 2_125_000 || inv.Lines[0].AmountMinor != 42500 {
		t.Fatalf("invoice %+v", inv)
	}
}

// Business rules the X12 reader does not enforce: whole quantities,
// references present, known currency.
func TestMapRefusals(t *testing.T) {
	isa := "ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*BRAND          *261201*0800*U*00401*000000001*0*P*>~\n"
	cases := []struct {
		name, body, field string
	}{
		{"fractional ASN quantity", "GS*SH*A*B*20261201*0800*1*X*004010~ST*856*0001~BSN*00*S1*20261201*0800~HL*1**S~HL*2*1*O~PRF*PO-1~HL*3*2*I~LIN*1*BP*SKU-1~SN1**2.5*KG~SE*9*0001~GE*1*1~", "quantity"},
		{"ASN item without PO", "GS*SH*A*B*20261201*0800*1*X*004010~ST*856*0001~BSN*00*S1*20261201*0800~HL*1**S~HL*2*1*I~LIN*1*BP*SKU-1~SN1**2*EA~SE*7*0001~GE*1*1~", "po_number"},
		{"fractional invoice quantity", "GS*IN*A*B*20261201*0800*1*X*004010~ST*810*0001~BIG*20261201*INV-1**PO-1~IT1*1*1.5*EA*2**BP*SKU-1~TDS*300~SE*5*0001~GE*1*1~", "quantity"},
		{"invoice without PO", "GS*IN*A*B*20261201*0800*1*X*004010~ST*810*0001~BIG*20261201*INV-1~IT1*1*1*EA*2**BP*SKU-1~TDS*200~SE*5*0001~GE*1*1~", "po_number"},
		{"unknown currency", "GS*IN*A*B*20261201*0800*1*X*004010~ST*810*0001~BIG*20261201*INV-1**PO-1~CUR*SE*XXQ~IT1*1*1*EA*2**BP*SKU-1~TDS*200~SE*6*0001~GE*1*1~", "currency"},
		{"line number not a number", "GS*PR*A*B*20261201*0800*1*X*004010~ST*855*0001~BAK*00*AC*PO-1*20261201~PO1*A7*1*EA~ACK*IA~SE*5*0001~GE*1*1~", "line 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tx := parseOne(t, isa+c.body+"IEA*1*000000001~\n")
			_, err := mapSet(tx, 1, "EUR", "edi:1:1")
			var fe *fault.Error
			if err == nil || !asFault(err, &fe) || !strings.Contains(fe.Field, c.field) {
				t.Fatalf("err = %v, want a field error on %s", err, c.field)
			}
		})
	}
}

func asFault(err error, fe **fault.Error) bool {
	f, ok := err.(*fault.Error)
	*fe = f
	return ok
}

// FuzzMapSets reads arbitrary bytes as X12 and maps every set the reader
// accepted: no panic, and every command honours pogate's units (whole,
// non-negative quantities; a PO number on every ASN order).
func FuzzMapSets(f *testing.F) {
	for _, name := range []string{"855-ack-po1001.edi", "856-ship-po1001.edi", "810-invoice-po1001.edi", "810-negative-qty.edi", "856-invalid-date.edi"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		parsed, err := edi.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, ic := range parsed.Interchanges {
			for _, g := range ic.Groups {
				for _, tx := range g.Transactions {
					if tx.Rejected() {
						continue
					}
					cmd, err := mapSet(tx, 1, "EUR", "edi:1:1")
					if err != nil {
						continue
					}
					checkCommand(t, cmd)
					if _, err := json.Marshal(cmd); err != nil {
						t.Fatalf("command does not marshal: %v", err)
					}
				}
			}
		}
	})
}

func checkCommand(t *testing.T, cmd any) {
	switch c := cmd.(type) {
	case AckCommand:
		for _, l := range c.Lines {
			if l.Quantity < 0 || l.Backordered < 0 || l.LineNo <= 0 {
				t.Fatalf("ack line %+v", l)
			}
		}
	case ASNCommand:
		for _, o := range c.Orders {
			if strings.TrimSpace(o.PONumber) == "" || len(o.Lines) == 0 {
				t.Fatalf("ASN order without PO: %+v", c)
			}
			for _, l := range o.Lines {
				if l.Quantity < 0 {
					t.Fatalf("ASN line %+v", l)
				}
			}
		}
	case InvoiceCommand:
		for _, l := range c.Lines {
			if l.Quantity < 0 || l.LineNo <= 0 {
				t.Fatalf("invoice line %+v", l)
			}
		}
	}
}

package edi_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pogate/pogate/edi"
)

const example855 = `ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*BRAND          *261128*1015*U*00401*000000202*0*P*>~
GS*PR*ACMESUPPLY*BRAND*20261128*1015*202*X*004010~
ST*855*0001~
BAK*00*AC*PO-1001*20261127~
PO1*1*300*EA*2.125**BP*SKU-1~
ACK*IA*300*EA~
PO1*2*12*EA*10**BP*SKU-2~
ACK*IR*12*EA~
SE*7*0001~
GE*1*202~
IEA*1*000000202~
`

// Parse a whole file, read the typed document, and answer with a 997.
func ExampleParse() {
	f, err := edi.Parse(strings.NewReader(example855))
	if err != nil {
		panic(err) // only read errors end up here
	}
	ic := f.Interchanges[0]
	ack := ic.Groups[0].Transactions[0].Document.(*edi.Ack855)
	for _, l := range ack.Lines {
		fmt.Println(ack.PONumber, l.LineNumber, l.BuyerPart, l.Quantity, l.Status)
	}
	ta1, acks := edi.Acks(ic, false)
	env := edi.ReplyEnvelope(ic)
	env.ControlNumber, env.Time = 1, time.Date(2026, 11, 28, 11, 0, 0, 0, time.UTC)
	if err := edi.WriteAck(os.Stdout, env, ta1, acks); err != nil {
		panic(err)
	}
	// Output:
	// PO-1001 1 SKU-1 300 IA
	// PO-1001 2 SKU-2 12 IR
	// ISA*00*          *00*          *ZZ*BRAND          *ZZ*ACMESUPPLY     *261128*1100*U*00401*000000001*0*P*>~
	// GS*FA*BRAND*ACMESUPPLY*20261128*1100*1*X*004010~
	// ST*997*0001~
	// AK1*PR*202~
	// AK2*855*0001~
	// AK5*A~
	// AK9*A*1*1*1~
	// SE*6*0001~
	// GE*1*1~
	// IEA*1*000000001~
}

// Stream a large file: one event per completed transaction, group and
// interchange; memory stays flat because nothing is accumulated.
func ExampleDecoder() {
	d := edi.NewDecoder(strings.NewReader(example855))
	for {
		ev, err := d.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err)
		}
		switch ev.Kind {
		case edi.EventTransaction:
			fmt.Println("set", ev.Transaction.Set, ev.Transaction.ControlNumber, "errors:", len(ev.Transaction.Errors))
		case edi.EventGroup:
			fmt.Println("group", ev.Group.ControlNumber, "997:", edi.Build997(ev.Group).Status)
		case edi.EventInterchange:
			fmt.Println("interchange", ev.Interchange.ControlNumber)
		}
	}
	// Output:
	// set 855 0001 errors: 0
	// group 202 997: A
	// interchange 000000202
}

// Render an outbound purchase order.
func ExampleWrite850() {
	po := &edi.PurchaseOrder850{
		Purpose: "00", OrderType: "SA", PONumber: "PO-77", PODate: edi.Date{Year: 2026, Month: 11, Day: 27},
		Lines: []edi.POLine{{
			LineNumber: "1", Quantity: edi.NewDecimal(24, 0), Unit: "EA", UnitPrice: edi.NewDecimal(3499999, 6),
			Item: edi.Item{BuyerPart: "SKU-1", VendorPart: "V-1"},
		}},
	}
	env := edi.Envelope{SenderID: "BRAND", ReceiverID: "ACME", ControlNumber: 123,
		Time: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}
	if err := edi.Write850(os.Stdout, po, env); err != nil {
		panic(err)
	}
	// Output:
	// ISA*00*          *00*          *ZZ*BRAND          *ZZ*ACME           *261127*0800*U*00401*000000123*0*P*>~
	// GS*PO*BRAND*ACME*20261127*0800*123*X*004010~
	// ST*850*0001~
	// BEG*00*SA*PO-77**20261127~
	// PO1*1*24*EA*3.499999**BP*SKU-1*VP*V-1~
	// CTT*1~
	// SE*5*0001~
	// GE*1*123~
	// IEA*1*000000123~
}

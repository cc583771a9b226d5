package portal

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pogate/pogate/internal/gateway"
	"github.com/pogate/pogate/internal/store"
)

// apiASN is an 856 from partner ZZ/ACMESUPPLY for a PO that does not exist:
// it is accepted by the 997 and parked, waiting for the PO.
const apiASN = `ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*BRAND          *261201*0800*U*00401*000000777*0*P*>~
GS*SH*ACMESUPPLY*BRAND*20261201*0800*777*X*004010~
ST*856*0001~
BSN*00*SHIP-1*20261201*0800~
HL*1**S~
HL*2*1*O~
PRF*PO-404~
HL*3*2*I~
LIN*1*BP*SKU-1~
SN1**5*EA~
SE*9*0001~
GE*1*777~
IEA*1*000000777~
`

type ediDetailResp struct {
	ID           int64  `json:"id"`
	Status       string `json:"status"`
	Error        string `json:"error"`
	SupplierID   *int64 `json:"supplier_id"`
	DuplicateOf  *int64 `json:"duplicate_of"`
	Transactions []struct {
		Set    string `json:"set"`
		Status string `json:"status"`
	} `json:"transactions"`
	AcksSent []struct {
		Kind string `json:"kind"`
		Text string `json:"text"`
	} `json:"acks_sent"`
}

func ediHarness(t *testing.T) *apiHarness {
	h := newAPIHarness(t)
	h.srv.SetEDIGateway(gateway.New(gateway.Options{Store: h.s, DataDir: t.TempDir()}))
	p := &store.EDIPartner{SupplierID: h.sup["ACME"].ID, Name: "ACME EDI", ISAQualifier: "ZZ", ISAID: "ACMESUPPLY", GSID: "ACMESUPPLY",
		OurISAQualifier: "ZZ", OurISAID: "BRAND", OurGSID: "BRAND", Version: "00401", ElementSep: "*", ComponentSep: ">",
		RepetitionSep: "U", SegmentTerm: "~", Expects997: true, AckWindowHours: 24}
	if err := h.s.CreateEDIPartner(context.Background(), store.System("test"), p); err != nil {
		t.Fatal(err)
	}
	return h
}

func decodeEDI(t *testing.T, r apiResp) ediDetailResp {
	t.Helper()
	var d ediDetailResp
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	return d
}

func TestAPIEDIUploadListShowRaw(t *testing.T) {
	h := ediHarness(t)
	up := h.do("supplier:ACME", "POST", "/api/v1/edi/files?filename=ship.edi", "application/edi-x12", strings.NewReader(apiASN))
	if up.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", up.status, up.body)
	}
	d := decodeEDI(t, up)
	if d.Status != store.EDIFileParked || len(d.Transactions) != 1 || d.Transactions[0].Status != store.EDITxParked {
		t.Fatalf("upload result %+v", d)
	}
	if len(d.AcksSent) != 1 || !strings.Contains(d.AcksSent[0].Text, "AK9*A*1*1*1~") {
		t.Fatalf("997 sent: %+v", d.AcksSent)
	}
	// The same file again: a duplicate, answered with the original's 997.
	var buf bytes.Buffer
	ct := newMultipart(&buf, "file", "ship-again.edi", apiASN)
	again := decodeEDI(t, h.do("buyer", "POST", "/api/v1/edi/files", ct, &buf))
	if again.Status != store.EDIFileDuplicate || again.DuplicateOf == nil || *again.DuplicateOf != d.ID ||
		len(again.AcksSent) != 1 || again.AcksSent[0].Text != d.AcksSent[0].Text || len(again.Transactions) != 0 {
		t.Fatalf("duplicate: %+v", again)
	}
	// GLOBEX cannot pass ACME's file off as its own, and sees only its own upload.
	spoof := h.do("supplier:GLOBEX", "POST", "/api/v1/edi/files", "text/plain", strings.NewReader(strings.ReplaceAll(apiASN, "000000777", "000000778")))
	sd := decodeEDI(t, spoof)
	if spoof.status != http.StatusCreated || sd.Status != store.EDIFileFailed || sd.SupplierID == nil || *sd.SupplierID != h.sup["GLOBEX"].ID {
		t.Fatalf("spoofed upload: %d %+v", spoof.status, sd)
	}
	id := strconv.FormatInt(d.ID, 10)
	for _, c := range []struct {
		token, path string
		status      int
		has, hasNot string
	}{
		{"buyer", "/api/v1/edi/files", 200, `"total":4`, ""},
		{"buyer", "/api/v1/edi/files?direction=out&kind=997", 200, `"total":1`, ""},
		{"buyer", "/api/v1/edi/files?status=parked", 200, `"total":1`, ""},
		{"supplier:ACME", "/api/v1/edi/files", 200, `"total":3`, ""},
		{"supplier:GLOBEX", "/api/v1/edi/files", 200, `"total":1`, "ship.edi"},
		{"supplier:GLOBEX", "/api/v1/edi/files?supplier_id=" + strconv.FormatInt(h.sup["ACME"].ID, 10), 200, `"total":1`, "ship.edi"},
		{"supplier:ACME", "/api/v1/edi/files/" + id, 200, `"acks_sent"`, ""},
		{"supplier:GLOBEX", "/api/v1/edi/files/" + id, 404, "not_found", "SHIP"},
		{"supplier:GLOBEX", "/api/v1/edi/files/" + id + "/raw", 404, "not_found", "ISA"},
		{"buyer", "/api/v1/edi/files/999999", 404, "not_found", ""},
		{"buyer", "/api/v1/edi/files/abc", 404, "not_found", ""},
		{"", "/api/v1/edi/files", 401, "unauthorized", ""},
	} {
		r := h.do(c.token, "GET", c.path, "", nil)
		if r.status != c.status || !strings.Contains(r.body, c.has) || (c.hasNot != "" && strings.Contains(r.body, c.hasNot)) {
			t.Errorf("%s GET %s: %d %s", c.token, c.path, r.status, r.body)
		}
	}
	raw := h.do("supplier:ACME", "GET", "/api/v1/edi/files/"+id+"/raw", "", nil)
	if raw.status != 200 || raw.body != apiASN || raw.header.Get("Content-Type") != "application/edi-x12" ||
		!strings.Contains(raw.header.Get("Content-Disposition"), `filename="ship.edi"`) {
		t.Fatalf("raw: %d %v %q", raw.status, raw.header, raw.body)
	}
	if r := h.do("warehouse", "POST", "/api/v1/edi/files", "text/plain", strings.NewReader(apiASN)); r.status != http.StatusForbidden {
		t.Fatalf("warehouse upload: %d %s", r.status, r.body)
	}
	if r := h.do("buyer", "POST", "/api/v1/edi/files", "text/plain", strings.NewReader("")); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty upload: %d %s", r.status, r.body)
	}
}

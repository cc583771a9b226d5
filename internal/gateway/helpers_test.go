package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
)

// recordingCore stands in for the procure commands that do not exist yet.
// It keeps the contract the gateway relies on: a SourceRef seen before
// returns the first result and changes nothing. calls counts every call,
// applied counts first applications only.
type recordingCore struct {
	mu      sync.Mutex
	calls   int
	applied map[string]Applied
	acks    []AckCommand
	asns    []ASNCommand
	invs    []InvoiceCommand
}

func newRecordingCore() *recordingCore { return &recordingCore{applied: map[string]Applied{}} }

func (c *recordingCore) once(ref, entity string, record func()) Applied {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if a, ok := c.applied[ref]; ok {
		return a
	}
	record()
	a := Applied{Entity: entity, ID: int64(len(c.applied) + 1)}
	c.applied[ref] = a
	return a
}

func (c *recordingCore) Acknowledge(_ context.Context, _ store.Actor, cmd AckCommand) (Applied, error) {
	return c.once(cmd.SourceRef, "purchase_order", func() { c.acks = append(c.acks, cmd) }), nil
}

func (c *recordingCore) SubmitASN(_ context.Context, _ store.Actor, cmd ASNCommand) (Applied, error) {
	return c.once(cmd.SourceRef, "asn", func() { c.asns = append(c.asns, cmd) }), nil
}

func (c *recordingCore) SubmitInvoice(_ context.Context, _ store.Actor, cmd InvoiceCommand) (Applied, error) {
	return c.once(cmd.SourceRef, "invoice", func() { c.invs = append(c.invs, cmd) }), nil
}

func (c *recordingCore) counts() (acks, asns, invs int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.acks), len(c.asns), len(c.invs)
}

// fixture is a store with one EDI supplier (partner ZZ/ACMESUPPLY talking
// to us as ZZ/BRAND), two products and an approved PO-1001.
type fixture struct {
	t       testing.TB
	ctx     context.Context
	s       *store.Store
	g       *Gateway
	core    *recordingCore
	partner store.EDIPartner
	po      store.PurchaseOrder
	dataDir string
	now     time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	s := storetest.Open(t)
	fx := &fixture{t: t, ctx: context.Background(), s: s, core: newRecordingCore(), dataDir: t.TempDir(),
		now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return fx.now }
	fx.partner = fx.addPartner("ACME", "ACMESUPPLY", "BRAND")
	fx.po = fx.addPO(fx.partner.SupplierID, "PO-1001")
	fx.g = New(Options{Store: s, Core: fx.core, DataDir: fx.dataDir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return fx
}

func (fx *fixture) advance(d time.Duration) { fx.now = fx.now.Add(d) }

func (fx *fixture) addPartner(code, isaID, ourID string) store.EDIPartner {
	fx.t.Helper()
	actor := store.System("test")
	sup := &store.Supplier{Code: code, Name: code + " Supply", Currency: "EUR", AckSLAHours: 24,
		BackorderPolicy: store.BackorderCreate, Channel: store.ChannelEDI, Active: true}
	if err := fx.s.CreateSupplier(fx.ctx, actor, sup); err != nil {
		fx.t.Fatal(err)
	}
	p := &store.EDIPartner{SupplierID: sup.ID, Name: code, ISAQualifier: "ZZ", ISAID: isaID, GSID: isaID,
		OurISAQualifier: "ZZ", OurISAID: ourID, OurGSID: ourID, Version: "00401",
		ElementSep: "*", ComponentSep: ">", RepetitionSep: "U", SegmentTerm: "~", Expects997: true, AckWindowHours: 24}
	if err := fx.s.CreateEDIPartner(fx.ctx, actor, p); err != nil {
		fx.t.Fatal(err)
	}
	return *p
}

func (fx *fixture) product(sku string) store.Product {
	fx.t.Helper()
	if p, err := fx.s.ProductBySKU(fx.ctx, sku); err == nil {
		return p
	}
	p := &store.Product{SKU: sku, Name: "Product " + sku, StockUnit: "EA", Active: true}
	if err := fx.s.CreateProduct(fx.ctx, store.System("test"), p); err != nil {
		fx.t.Fatal(err)
	}
	return *p
}

func (fx *fixture) addPO(supplierID int64, number string) store.PurchaseOrder {
	fx.t.Helper()
	p1, p2 := fx.product("SKU-1"), fx.product("SKU-2")
	exp := fx.now.Add(10 * 24 * time.Hour)
	po := store.PurchaseOrder{Number: number, SupplierID: supplierID, Status: store.POStatusApproved, Currency: "EUR", TotalMinor: 75750,
		Lines: []store.POLine{
			{LineNo: 1, ProductID: p1.ID, SupplierPart: "AC-100", Description: "Blue widget", Quantity: 300, Unit: "EA",
				UnitsPerPurchaseUnit: 1, UnitPriceMicros: 2_125_000, AmountMinor: 63750, ExpectedAt: &exp},
			{LineNo: 2, ProductID: p2.ID, SupplierPart: "AC-200", Quantity: 12, Unit: "EA", UnitsPerPurchaseUnit: 1,
				UnitPriceMicros: 10_000_000, AmountMinor: 12000},
		}}
	err := fx.s.InTx(fx.ctx, func(tx *store.Tx) error {
		now := tx.Now()
		po.CreatedAt, po.UpdatedAt = now, now
		for i := range po.Lines {
			po.Lines[i].CreatedAt, po.Lines[i].UpdatedAt = now, now
		}
		return tx.InsertPO(&po)
	})
	if err != nil {
		fx.t.Fatal(err)
	}
	return po
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (fx *fixture) ingest(name string, data []byte) store.EDIFile {
	fx.t.Helper()
	f, err := fx.g.Ingest(fx.ctx, Source{Kind: SourceUpload, By: "test"}, name, data)
	if err != nil {
		fx.t.Fatalf("ingest %s: %v", name, err)
	}
	return f
}

func (fx *fixture) sets(fileID int64) []store.EDITransaction {
	fx.t.Helper()
	rows, err := fx.s.EDITransactionsOf(fx.ctx, fileID)
	if err != nil {
		fx.t.Fatal(err)
	}
	return rows
}

func (fx *fixture) file(id int64) store.EDIFile {
	fx.t.Helper()
	f, err := fx.s.EDIFileByID(fx.ctx, id, 0)
	if err != nil {
		fx.t.Fatal(err)
	}
	return f
}

// ackOf returns the outbound 997 written for an inbound file, as text.
func (fx *fixture) ackOf(inboundID int64) (store.EDIFile, string) {
	fx.t.Helper()
	files, _, err := fx.s.EDIFiles(fx.ctx, store.EDIFileFilter{Direction: store.EDIOutbound}, store.Page{Size: 200})
	if err != nil {
		fx.t.Fatal(err)
	}
	for _, f := range files {
		if f.AckForFileID != nil && *f.AckForFileID == inboundID {
			raw, err := fx.s.EDIFileRaw(fx.ctx, f.ID, 0)
			if err != nil {
				fx.t.Fatal(err)
			}
			return f, string(raw)
		}
	}
	fx.t.Fatalf("no acknowledgement written for file %d", inboundID)
	return store.EDIFile{}, ""
}

func (fx *fixture) outboxFiles() []string {
	fx.t.Helper()
	entries, err := os.ReadDir(filepath.Join(fx.g.PartnerDir(fx.partner), Outbox))
	if err != nil && !os.IsNotExist(err) {
		fx.t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// samplesDir finds ../shared/edi-samples by walking up from here.
func samplesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared", "edi-samples")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/edi-samples not found next to the repository; the sample corpus tests need it")
		}
		dir = parent
	}
}

func segmentsOf(x12 string) []string {
	var out []string
	for _, s := range strings.Split(x12, "~") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func hasSegment(x12, prefix string) bool {
	for _, s := range segmentsOf(x12) {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func statusOf(rows []store.EDITransaction) string {
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s:%s", r.SetID, r.Status))
	}
	return strings.Join(parts, ",")
}

func mustUnmarshal(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatal(err)
	}
}

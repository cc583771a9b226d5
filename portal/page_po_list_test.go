package portal

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
)

// TestPOListRowsEscapeAndMark checks the hand-written rows of the PO list:
// hostile text is escaped, a late acknowledgement is marked, dates are in
// the brand's zone, the supplier column appears only for the brand's staff.
func TestPOListRowsEscapeAndMark(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no tz database:", err)
	}
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	due := now.Add(-time.Hour)
	exp := time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC) // 2 Dec in Berlin
	pos := []store.PurchaseOrder{
		{ID: 7, Number: `PO-<b>&"x`, SupplierID: 3, Status: "sent", Currency: "EUR", TotalMinor: 123456, CreatedAt: now, AckDueAt: &due, ExpectedAt: &exp},
		{ID: 8, Number: "PO-2", SupplierID: 3, Status: "partially_received", Currency: "JPY", TotalMinor: 5000, CreatedAt: now, AckDueAt: &due},
	}
	names := map[int64]string{3: "<ACME>"}
	buyer := &view{Actor: store.Actor{Kind: store.ActorUser, Role: store.RoleBuyer}, loc: loc, now: now}
	html := string(buyer.POList(pos, names))
	for _, want := range []string{
		`<tr class="late">`, `<a href="/pos/7">PO-&lt;b&gt;&amp;&#34;x</a>`, `<td>&lt;ACME&gt;</td>`,
		`<span class="status status-sent">sent</span>`, `<span class="status status-partially_received">partially received</span>`,
		`<td>27 Nov 2026 12:00</td>`, `<td>2 Dec 2026</td>`, `<td class="num">EUR 1,234.56</td>`, `<td class="num">JPY 5,000</td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("rows lack %s:\n%s", want, html)
		}
	}
	if strings.Count(html, "<tr") != 2 || strings.Count(html, `class="late"`) != 1 {
		t.Errorf("want 2 rows, one late (only a sent PO past due is late):\n%s", html)
	}
	sid := int64(3)
	supplier := &view{Actor: store.Actor{Kind: store.ActorUser, Role: store.RoleSupplier, SupplierID: sid}, loc: loc, now: now}
	if html := string(supplier.POList(pos, names)); strings.Contains(html, "ACME") {
		t.Errorf("a supplier sees the supplier column:\n%s", html)
	}
}

func TestSelectOptionsEscapeAndSelect(t *testing.T) {
	got := string(selectOptions([]string{"partially_received", `"><x>`}, "partially_received"))
	want := `<option value="partially_received" selected>partially received</option><option value="&#34;&gt;&lt;x&gt;">&#34;&gt;&lt;x&gt;</option>`
	if got != want {
		t.Errorf("options\n got %s\nwant %s", got, want)
	}
}

func TestPagerWithoutCount(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest("GET", "/pos?status=sent&page=3", nil)
	pg := newPager(c, store.Page{Number: 3, Size: 50}, store.MoreRows)
	if !pg.More || pg.Total != 0 || pg.From != 101 || pg.To != 150 || pg.PrevURL != "/pos?page=2&status=sent" || pg.NextURL != "/pos?page=4&status=sent" {
		t.Errorf("uncounted pager = %+v", pg)
	}
	pg = newPager(c, store.Page{Number: 3, Size: 50}, 120) // the last page knows its total
	if pg.More || pg.Total != 120 || pg.From != 101 || pg.To != 120 || pg.NextURL != "" {
		t.Errorf("last page pager = %+v", pg)
	}
}

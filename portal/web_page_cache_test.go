package portal

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/demo"
	"github.com/pogate/pogate/internal/store"
	dto "github.com/prometheus/client_model/go"
)

// cacheLookups reads the PO list page cache counter for one result.
func cacheLookups(t *testing.T, s *Server, result string) int {
	t.Helper()
	var m dto.Metric
	if err := s.pageCache.lookups.WithLabelValues("pos", result).Write(&m); err != nil {
		t.Fatal(err)
	}
	return int(m.GetCounter().GetValue())
}

// TestPOListPageCacheIsExact: a supplier's PO list page is sent again from
// memory only while a render would give the same bytes. Any change to one
// of the supplier's orders, a deadline passing, the user's new name and a
// second user of the same supplier each get a fresh render; an unchanged
// page is a hit with the identical body.
func TestPOListPageCacheIsExact(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	po := e.poOf("ACME")
	acme := e.signIn("acme@demo.pogate")
	counts := func() [3]int {
		return [3]int{cacheLookups(t, e.srv, "hit"), cacheLookups(t, e.srv, "miss"), cacheLookups(t, e.srv, "expired")}
	}
	page := func(c *client, want [3]int, contains ...string) string {
		t.Helper()
		r := c.get("/pos")
		if r.status != 200 {
			t.Fatalf("GET /pos: %d\n%.500s", r.status, r.body)
		}
		if got := counts(); got != want {
			t.Errorf("cache hit/miss/expired = %v, want %v", got, want)
		}
		if cl := r.header.Get("Content-Length"); cl != strconvI(int64(len(r.body))) {
			t.Errorf("Content-Length %q for a body of %d bytes", cl, len(r.body))
		}
		for _, w := range contains {
			if !strings.Contains(r.body, w) {
				t.Errorf("page lacks %q", w)
			}
		}
		return r.body
	}
	first := page(acme, [3]int{0, 1, 0}, po.Number)
	if again := page(acme, [3]int{1, 1, 0}); again != first {
		t.Error("a cache hit differs from the page it repeats")
	}

	// A change to one of ACME's orders: re-rendered, then reused. The
	// acknowledgement falls due a minute from now.
	e.setPOStatus(po.ID, store.POStatusApproved, store.POStatusSent)
	now := e.store.Now()
	if err := e.store.DB(ctx).Model(&store.PurchaseOrder{}).Where("id = ?", po.ID).Update("ack_due_at", now.Add(time.Minute)).Error; err != nil {
		t.Fatal(err)
	}
	row := `<a href="/pos/` + strconvI(po.ID) + `">`
	body := page(acme, [3]int{1, 2, 0}, row)
	if !strings.Contains(body[strings.Index(body, row):], "status-sent") || strings.Contains(body, `class="late"`) {
		t.Error("the changed order does not show as sent and not yet late")
	}
	page(acme, [3]int{2, 2, 0})

	// The deadline passes with no write at all: the stored page ends there
	// and the next one marks the order late.
	e.store.Now = func() time.Time { return now.Add(2 * time.Minute) }
	t.Cleanup(func() { e.store.Now = func() time.Time { return time.Now().UTC() } })
	page(acme, [3]int{2, 2, 1}, `<tr class="late">`)
	page(acme, [3]int{3, 2, 1}, `<tr class="late">`)

	// The user's new name is in the key (read with the session each time).
	if err := e.store.DB(ctx).Model(&store.User{}).Where("email = ?", "acme@demo.pogate").Update("name", "Ada Renamed").Error; err != nil {
		t.Fatal(err)
	}
	page(acme, [3]int{3, 3, 1}, "Ada Renamed")

	// Another user of the same supplier gets their own page, not Ada's.
	other := store.User{Email: "bo@acme.test", Name: "Bo Second", Role: store.RoleSupplier, SupplierID: &po.SupplierID}
	createUserWithPassword(t, e, &other)
	bo := e.signIn(other.Email)
	if b := page(bo, [3]int{3, 4, 1}, "Bo Second"); strings.Contains(b, "Ada Renamed") {
		t.Error("a second user of the supplier was sent the first user's page")
	}
}

// TestPOListPageCacheNotOlderThanItsKey is the ordering case that makes a
// version number exact or not: a transaction that changed an order but had
// not committed when a later one did. The page rendered in between must not
// be reused once the slow transaction commits. (On SQLite writers take
// turns, so the case cannot arise.)
func TestPOListPageCacheNotOlderThanItsKey(t *testing.T) {
	e := newWebEnv(t)
	if e.store.Dialect() != "postgres" {
		t.Skip("needs two concurrent writers: PostgreSQL only")
	}
	ctx := context.Background()
	slow := e.poOf("ACME")
	fast := store.PurchaseOrder{Number: "PO-FAST", SupplierID: slow.SupplierID, Status: store.POStatusSent, Currency: slow.Currency, Source: "test", Version: 1}
	if err := e.store.DB(ctx).Create(&fast).Error; err != nil {
		t.Fatal(err)
	}
	acme := e.signIn("acme@demo.pogate")
	acme.get("/pos")

	tx := e.store.DB(ctx).Begin()
	if err := tx.Exec(`UPDATE purchase_orders SET total_minor = 111111 WHERE id = ?`, slow.ID).Error; err != nil {
		t.Fatal(err)
	}
	if err := e.store.DB(ctx).Exec(`UPDATE purchase_orders SET total_minor = 222222 WHERE id = ?`, fast.ID).Error; err != nil {
		t.Fatal(err)
	}
	between := acme.get("/pos").body
	if !strings.Contains(between, moneyLabel(222222, fast.Currency)) || strings.Contains(between, moneyLabel(111111, slow.Currency)) {
		t.Fatal("the page between the commits should show the committed change only")
	}
	if err := tx.Commit().Error; err != nil {
		t.Fatal(err)
	}
	after := acme.get("/pos").body
	if !strings.Contains(after, moneyLabel(111111, slow.Currency)) {
		t.Error("after the slow transaction committed, the page still shows the old total: a stale page was reused")
	}
}

// TestPOListCacheKeyRefusals: no key for staff, for a view with a flash
// message or field errors, or without a session read this request; and
// parts of the key cannot run into each other.
func TestPOListCacheKeyRefusals(t *testing.T) {
	e := newWebEnv(t)
	ctx := context.Background()
	u, err := e.store.UserByEmail(ctx, "acme@demo.pogate")
	if err != nil {
		t.Fatal(err)
	}
	st := e.store.Sessions()
	st.OwnerOf = func([]byte) int64 { return u.ID }
	if err := st.CommitCtx(ctx, "tok", []byte("x"), e.store.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	memo := store.WithSessionMemo(ctx)
	if _, found, err := st.FindCtx(memo, "tok"); err != nil || !found {
		t.Fatalf("find: %v %v", found, err)
	}
	supplier := store.Actor{Kind: store.ActorUser, ID: u.ID, Role: store.RoleSupplier, SupplierID: *u.SupplierID}
	keyOf := func(reqCtx context.Context, v *view) (string, bool) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/pos?page=2", nil).WithContext(reqCtx)
		return e.srv.poListCacheKey(c, v)
	}
	key, ok := keyOf(memo, &view{Actor: supplier, TZName: "UTC"})
	if !ok || !strings.Contains(key, "page=2") {
		t.Fatalf("no key for a plain supplier view: %q %v", key, ok)
	}
	for name, v := range map[string]*view{
		"flash":  {Actor: supplier, Flashes: []flash{{Kind: "ok", Text: "done"}}},
		"errors": {Actor: supplier, Errors: map[string]string{"sort": "bad"}},
		"staff":  {Actor: store.Actor{Kind: store.ActorUser, ID: 1, Role: store.RoleBuyer}},
	} {
		if _, ok := keyOf(memo, v); ok {
			t.Errorf("%s: the view may be cached", name)
		}
	}
	if _, ok := keyOf(ctx, &view{Actor: supplier}); ok {
		t.Error("a view may be cached without the session's version")
	}
	// Text moved from one part to the next is a different key.
	k1, _ := keyOf(memo, &view{Actor: supplier, UserName: "Ada\x00x", SupplierName: "Acme"})
	k2, _ := keyOf(memo, &view{Actor: supplier, UserName: "Ada", SupplierName: "x\x00Acme"})
	if k1 == k2 {
		t.Error("two views that differ only in where a part ends share a key")
	}
}

// TestPOListCacheKeyCoversTheView fails when view gains a field, so whoever
// adds one decides whether poListCacheKey must include it.
func TestPOListCacheKeyCoversTheView(t *testing.T) {
	if n := reflect.TypeOf(view{}).NumField(); n != 17 {
		t.Errorf("view has %d fields; poListCacheKey was written for 17: if the new one changes what the PO list page shows, add it to the key", n)
	}
}

// TestPageCacheKeepsToItsBudget: the cache never holds much more than its
// budget, drops the older generation first, and keeps a page that is read.
func TestPageCacheKeepsToItsBudget(t *testing.T) {
	pc := newPageCache(8000, nil)
	body := make([]byte, 900)
	pc.put("kept", body, time.Time{})
	for i := range 40 {
		pc.put("k"+strconvI(int64(i)), body, time.Time{})
		if _, ok := pc.get("pos", "kept", time.Now()); !ok {
			t.Fatalf("a page read after every put was dropped at put %d", i)
		}
		held := 0
		for _, m := range []map[string]cachedPage{pc.cur, pc.old} {
			for k, p := range m {
				held += len(k) + len(p.body)
			}
		}
		if held > 8000+1000 {
			t.Fatalf("cache holds %d bytes, budget 8000", held)
		}
	}
	if _, ok := pc.get("pos", "k0", time.Now()); ok {
		t.Error("the oldest unread page is still there after 40 puts")
	}
	pc.put("big", make([]byte, 1001), time.Time{})
	if _, ok := pc.get("pos", "big", time.Now()); ok {
		t.Error("a page over an eighth of the budget was kept")
	}
	until := time.Now()
	pc.put("timed", body, until)
	if _, ok := pc.get("pos", "timed", until); !ok {
		t.Error("a page is not valid at its own deadline")
	}
	if _, ok := pc.get("pos", "timed", until.Add(time.Nanosecond)); ok {
		t.Error("a page is valid after its deadline")
	}
	_, inCur := pc.cur["timed"]
	_, inOld := pc.old["timed"]
	if inCur || inOld {
		t.Error("an expired page is still held")
	}
}

// createUserWithPassword adds a user who signs in with the demo password.
func createUserWithPassword(t *testing.T, e *webEnv, u *store.User) {
	t.Helper()
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		t.Fatal(err)
	}
	u.PasswordHash = hash
	if err := e.store.CreateUser(context.Background(), store.System("test"), u); err != nil {
		t.Fatal(err)
	}
}

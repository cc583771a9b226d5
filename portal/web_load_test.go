package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/pogate/pogate/internal/auth"
	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/internal/store/storetest"
	dto "github.com/prometheus/client_model/go"
)

// Load figures for the supplier PO list page: 1,000,000 POs across 1,000
// suppliers in PostgreSQL, 50 concurrent keep-alive clients on loopback,
// next to a bare gin handler measured in the same run. The schema is kept
// between runs (seeding takes a minute); drop it to start over:
//
//	POGATE_LOAD_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test ./portal -run '^$' -bench SupplierPOListLoad -benchtime 20000x
const (
	loadSchema     = "pogate_load_1m"
	loadPOs        = 1_000_000
	loadSuppliers  = 1_000
	loadClients    = 50
	loadUserPasswd = "load-password-123"
)

func openLoadStore(b *testing.B) *store.Store {
	base := os.Getenv("POGATE_LOAD_DATABASE_URL")
	if base == "" {
		b.Skip("set POGATE_LOAD_DATABASE_URL (PostgreSQL) to run the 1M-PO load benchmark")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+loadSchema); err != nil {
		b.Fatal(err)
	}
	conn.Close(ctx)
	st, err := store.Open(ctx, store.Options{DatabaseURL: storetest.WithSearchPath(base, loadSchema), MaxOpenConns: 16})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var n int64
	if err := st.DB(ctx).Model(&store.PurchaseOrder{}).Count(&n).Error; err != nil {
		b.Fatal(err)
	}
	if n < loadPOs {
		seedLoad(b, st)
	}
	ensureLoadUsers(b, st)
	return st
}

// loadUserEmail is the supplier user of supplier n (1-based).
func loadUserEmail(n int) string { return fmt.Sprintf("load%d@supplier.test", n) }

// ensureLoadUsers gives each of the first loadClients suppliers a user, so
// every client is a different supplier's user with their own session.
func ensureLoadUsers(b *testing.B, st *store.Store) {
	ctx := context.Background()
	var hash string
	for n := 1; n <= loadClients; n++ {
		if _, err := st.UserByEmail(ctx, loadUserEmail(n)); err == nil {
			continue
		}
		if hash == "" {
			var err error
			if hash, err = auth.HashPassword(loadUserPasswd); err != nil {
				b.Fatal(err)
			}
		}
		sid := int64(n)
		if err := st.CreateUser(ctx, store.System("load"), &store.User{Email: loadUserEmail(n), Name: fmt.Sprintf("Load %d", n),
			Role: store.RoleSupplier, SupplierID: &sid, PasswordHash: hash}); err != nil {
			b.Fatal(err)
		}
	}
}

// seedLoad fills the schema with set-based SQL: 1,000 suppliers and
// 1,000,000 POs spread evenly.
func seedLoad(b *testing.B, st *store.Store) {
	ctx := context.Background()
	start := time.Now()
	db := st.DB(ctx)
	stmts := []string{
		`TRUNCATE purchase_orders, suppliers, users RESTART IDENTITY CASCADE`,
		fmt.Sprintf(`INSERT INTO suppliers (code, name, currency, ack_sla_hours, backorder_policy, channel, active, created_at, updated_at)
			SELECT 'LOAD' || lpad(g::text, 4, '0'), 'Load Supplier ' || g, 'USD', 24, 'backorder', 'portal', true, now(), now()
			FROM generate_series(1, %d) g`, loadSuppliers),
		fmt.Sprintf(`INSERT INTO purchase_orders (number, supplier_id, status, currency, total_minor, source, version, created_at, updated_at, sent_at, ack_due_at, expected_at)
			SELECT 'PO-' || lpad(g::text, 7, '0'), 1 + (g %% %d),
			       (ARRAY['sent','acknowledged','partially_received','received','closed'])[1 + g %% 5],
			       'USD', (g::bigint * 7919) %% 10000000, 'load', 1,
			       now() - make_interval(mins => g), now(), now() - make_interval(mins => g), now() + interval '1 day', now() + make_interval(days => g %% 30)
			FROM generate_series(1, %d) g`, loadSuppliers, loadPOs),
		// As autovacuum leaves a live table: statistics, and a visibility
		// map so counts and page ids come from the index alone.
		`VACUUM ANALYZE purchase_orders`,
		`ANALYZE suppliers`,
	}
	for _, s := range stmts {
		if err := db.Exec(s).Error; err != nil {
			b.Fatalf("seed: %v\n%s", err, s)
		}
	}
	b.Logf("seeded %d POs across %d suppliers in %v", loadPOs, loadSuppliers, time.Since(start).Round(time.Second))
}

// loadResult is one load run.
type loadResult struct {
	Requests int
	Errors   int64
	Elapsed  time.Duration
	P50, P99 time.Duration
}

func (r loadResult) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

// runLoad sends n GETs from conc keep-alive clients; pathFor picks the path
// of request i, and client w sends cookies[w % len(cookies)] (none if
// empty). Only a 200 with a body counts as success.
func runLoad(base string, n, conc int, cookies []string, pathFor func(i int) string) loadResult {
	var next atomic.Int64
	var errs atomic.Int64
	lat := make([][]time.Duration, conc)
	tr := &http.Transport{MaxIdleConns: conc, MaxIdleConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				req, _ := http.NewRequest(http.MethodGet, base+pathFor(i), nil)
				if len(cookies) > 0 {
					req.Header.Set("Cookie", cookies[w%len(cookies)])
				}
				t0 := time.Now()
				res, err := cl.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				nb, _ := io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if res.StatusCode != http.StatusOK || nb == 0 {
					errs.Add(1)
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(float64(len(all))*p))]
	}
	return loadResult{Requests: n, Errors: errs.Load(), Elapsed: elapsed, P50: pct(0.50), P99: pct(0.99)}
}

func serveLoopback(b *testing.B, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	b.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// BenchmarkSupplierPOListLoad reports requests per second and p50/p99 of
// the supplier's PO list page (50 rows, pages 1-20 of the supplier's 1,000
// POs) and of a bare gin handler, both at 50 concurrent clients; each page
// client is a different supplier's user. b.N is the number of requests of
// each run. POGATE_LOAD_NO_PAGE_CACHE=1 gives the cold figure (every view
// rendered from the database).
func BenchmarkSupplierPOListLoad(b *testing.B) {
	st := openLoadStore(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config.Defaults()
	srv, err := New(Deps{Config: cfg, Store: st, Procure: procure.New(st, log), Log: log})
	if err != nil {
		b.Fatal(err)
	}
	if os.Getenv("POGATE_LOAD_NO_PAGE_CACHE") != "" {
		srv.pageCache.budget = 0 // nothing fits: every view renders (the cold figure)
	}
	pageURL := serveLoopback(b, srv.Handler())
	bare := gin.New()
	bare.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	bareURL := serveLoopback(b, bare)

	// Each client is a different supplier's user with their own session.
	clients := loadClients
	if v, err := strconv.Atoi(os.Getenv("POGATE_LOAD_CLIENTS")); err == nil && v > 0 && v <= loadClients {
		clients = v // e.g. 1 to see the latency floor without queueing
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cookies := make([]string, clients)
	for w := range cookies {
		res, err := noRedirect.PostForm(pageURL+"/signin", url.Values{"email": {loadUserEmail(w + 1)}, "password": {loadUserPasswd}})
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		for _, c := range res.Cookies() {
			if c.Name == sessionCookieName {
				cookies[w] = c.Name + "=" + c.Value
			}
		}
		if res.StatusCode != http.StatusSeeOther || cookies[w] == "" {
			b.Fatalf("sign in %s: %d", loadUserEmail(w+1), res.StatusCode)
		}
	}
	pagePath := func(i int) string { return fmt.Sprintf("/pos?page=%d", 1+i%20) }
	// Check the page is what we think: 50 rows of the supplier's own POs.
	check := runLoad(pageURL, 1, 1, cookies, pagePath)
	if check.Errors > 0 {
		b.Fatal("the PO list page does not answer 200")
	}
	req, _ := http.NewRequest(http.MethodGet, pageURL+"/pos", nil)
	req.Header.Set("Cookie", cookies[0])
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if rows := strings.Count(string(body), `<td><a href="/pos/`); rows != 50 {
		b.Fatalf("page shows %d rows, want 50", rows)
	}
	// Warm both up.
	runLoad(bareURL, 2000, clients, nil, func(int) string { return "/" })
	runLoad(pageURL, 500, clients, cookies, pagePath)

	b.ResetTimer()
	bareRes := runLoad(bareURL, b.N, clients, nil, func(int) string { return "/" })
	hits0 := pageCacheHits(srv)
	stopWrites := changeOrdersDuring(b, st, clients)
	cpu0 := readCPU()
	pageRes := runLoad(pageURL, b.N, clients, cookies, pagePath)
	cpu1 := readCPU()
	writes := stopWrites()
	b.StopTimer()
	if pageRes.Errors > 0 || bareRes.Errors > 0 {
		b.Fatalf("errors: page %d, bare %d", pageRes.Errors, bareRes.Errors)
	}
	b.ReportMetric(pageRes.RPS(), "page_req/s")
	b.ReportMetric(float64(pageRes.P50.Microseconds())/1000, "page_p50_ms")
	b.ReportMetric(float64(pageRes.P99.Microseconds())/1000, "page_p99_ms")
	b.ReportMetric(bareRes.RPS(), "bare_req/s")
	b.ReportMetric(float64(bareRes.P99.Microseconds())/1000, "bare_p99_ms")
	b.ReportMetric(100*pageRes.RPS()/bareRes.RPS(), "page_%_of_bare")
	b.ReportMetric(100*(pageCacheHits(srv)-hits0)/float64(pageRes.Requests), "page_cache_hit_%")
	if writes > 0 {
		b.ReportMetric(float64(writes)/pageRes.Elapsed.Seconds(), "po_writes/s")
	}
	// Where a page's CPU goes: this process (server and load clients) and
	// the rest of the machine (PostgreSQL, mostly).
	if cpu0.machine > 0 {
		perReq := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(pageRes.Requests) }
		b.ReportMetric(perReq(cpu1.process-cpu0.process), "page_go_cpu_us")
		b.ReportMetric(perReq((cpu1.machine-cpu0.machine)-(cpu1.process-cpu0.process)), "page_other_cpu_us")
	}
}

// changeOrdersDuring changes one order of a client's supplier
// POGATE_LOAD_WRITES times a second (0: never), round robin over the
// clients' suppliers, until the returned func is called; it returns how
// many changes were made. Each change moves that supplier's PO list
// version, so all 20 of its pages render afresh on their next view.
func changeOrdersDuring(b *testing.B, st *store.Store, clients int) (stop func() int) {
	rate, _ := strconv.Atoi(os.Getenv("POGATE_LOAD_WRITES"))
	if rate <= 0 {
		return func() int { return 0 }
	}
	done := make(chan struct{})
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second / time.Duration(rate))
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			supplier := 1 + i%clients
			// Orders of supplier k are numbered k-1 (mod 1,000) in the seed.
			id := int64(supplier-1+loadSuppliers*(1+i%900)) % loadPOs
			res := st.DB(context.Background()).Exec(`UPDATE purchase_orders SET total_minor = total_minor + 1 WHERE id = ? AND supplier_id = ?`, id, supplier)
			if res.Error != nil || res.RowsAffected != 1 {
				b.Errorf("change order %d of supplier %d: %v (%d rows)", id, supplier, res.Error, res.RowsAffected)
				return
			}
			n.Add(1)
		}
	}()
	return func() int {
		close(done)
		wg.Wait()
		return int(n.Load())
	}
}

func pageCacheHits(srv *Server) float64 {
	var m dto.Metric
	_ = srv.pageCache.lookups.WithLabelValues("pos", "hit").Write(&m)
	return m.GetCounter().GetValue()
}

// cpuTimes is the CPU used so far by this process and by the whole machine
// (from /proc/stat; zero where there is none).
type cpuTimes struct{ process, machine time.Duration }

func readCPU() cpuTimes {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t := cpuTimes{process: time.Duration(ru.Utime.Nano() + ru.Stime.Nano())}
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return t
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal
	if len(f) < 9 || f[0] != "cpu" {
		return t
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, _ := strconv.ParseInt(f[i], 10, 64)
		ticks += n
	}
	t.machine = time.Duration(ticks) * 10 * time.Millisecond // USER_HZ is 100 on Linux
	return t
}

package portal

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// pageCacheBytes bounds the memory of rendered pages kept for reuse: about
// 1,300 PO list pages of 25 KB.
const pageCacheBytes = 32 << 20

// pageCache keeps rendered pages for reuse under keys that name everything
// the page was rendered from (see poListCacheKey), so a hit returns exactly
// the bytes a fresh render would. It holds two generations: entries go into
// the current one, a hit in the previous one moves the entry forward, and
// when the current one reaches half the budget the previous one is dropped.
// That is a least-recently-used policy to within a generation, with O(1)
// work and no per-entry bookkeeping.
type pageCache struct {
	mu       sync.Mutex
	cur, old map[string]cachedPage
	curBytes int
	budget   int
	lookups  *prometheus.CounterVec
}

// cachedPage is one rendered page. validUntil is the last instant the page
// is still what a render would give: the earliest deadline it showed as not
// yet passed (a "late" mark that would appear), zero when none.
type cachedPage struct {
	body       []byte
	validUntil time.Time
}

func newPageCache(budget int, reg prometheus.Registerer) *pageCache {
	pc := &pageCache{cur: map[string]cachedPage{}, old: map[string]cachedPage{}, budget: budget,
		lookups: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "pogate_page_cache_lookups_total",
			Help: "Rendered-page cache lookups by page and result (hit, miss, expired).",
		}, []string{"page", "result"})}
	if reg != nil {
		reg.MustRegister(pc.lookups)
	}
	return pc
}

// get returns the page stored under key if it is still valid at now.
func (pc *pageCache) get(page, key string, now time.Time) ([]byte, bool) {
	pc.mu.Lock()
	p, ok := pc.cur[key]
	expired := ok && !p.validUntil.IsZero() && now.After(p.validUntil)
	switch {
	case expired:
		pc.curBytes -= len(p.body) + len(key)
		delete(pc.cur, key) // its memory is free before the re-render arrives
	case !ok:
		if p, ok = pc.old[key]; ok {
			delete(pc.old, key)
			if expired = !p.validUntil.IsZero() && now.After(p.validUntil); !expired {
				pc.putLocked(key, p)
			}
		}
	}
	pc.mu.Unlock()
	switch {
	case !ok:
		pc.lookups.WithLabelValues(page, "miss").Inc()
		return nil, false
	case expired:
		pc.lookups.WithLabelValues(page, "expired").Inc()
		return nil, false
	}
	pc.lookups.WithLabelValues(page, "hit").Inc()
	return p.body, true
}

// put stores a copy of body under key.
func (pc *pageCache) put(key string, body []byte, validUntil time.Time) {
	if len(body) > pc.budget/8 {
		return // one page must not push out everything else
	}
	p := cachedPage{body: append([]byte(nil), body...), validUntil: validUntil}
	pc.mu.Lock()
	pc.putLocked(key, p)
	pc.mu.Unlock()
}

func (pc *pageCache) putLocked(key string, p cachedPage) {
	if prev, ok := pc.cur[key]; ok {
		pc.curBytes -= len(prev.body) + len(key)
	}
	pc.cur[key] = p
	pc.curBytes += len(p.body) + len(key)
	if pc.curBytes > pc.budget/2 {
		pc.old, pc.cur, pc.curBytes = pc.cur, map[string]cachedPage{}, 0
	}
}

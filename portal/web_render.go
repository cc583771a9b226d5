package portal

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/fault"
	"github.com/pogate/pogate/internal/store"
	"github.com/pogate/pogate/matching"
	"github.com/pogate/pogate/templates"
)

// pageSets holds one parsed template set per page (layout + partials +
// page), so every page defines its own "title" and "content" blocks.
var (
	pageSets     map[string]*template.Template
	pageSetsErr  error
	pageSetsOnce sync.Once
)

// templateFuncs are the helpers every template may call. Anything that
// depends on the request (time zone) is a method of *view instead.
var templateFuncs = template.FuncMap{
	"money":       moneyLabel,
	"unitPrice":   func(micros int64, cur string) string { return cur + " " + matching.FormatUnitPrice(micros) },
	"statusLabel": func(s string) string { return strings.ReplaceAll(s, "_", " ") },
	"statusBadge": statusBadge,
	"options":     selectOptions,
	"qty":         func(q int64) string { return groupDigits(strconv.FormatInt(q, 10)) },
	"add":         func(a, b int) int { return a + b },
	"list":        func(xs ...string) []string { return xs },
	"firstLine":   firstLine,
	"deref":       func(p *int64) int64 { return derefInt(p) },
	"title": func(s string) string {
		return strings.ToUpper(s[:min(1, len(s))]) + strings.ReplaceAll(s[min(1, len(s)):], "_", " ")
	},
}

// selectOptions renders the options of a filter select (values shown as
// labels with underscores as spaces), marking the selected one. Pages call
// it instead of ranging in the template: each option cost three reflective
// calls there, on every view of every list page.
func selectOptions(values []string, selected string) template.HTML {
	var b strings.Builder
	for _, v := range values {
		e := template.HTMLEscapeString(v)
		b.WriteString(`<option value="` + e + `"`)
		if v == selected {
			b.WriteString(" selected")
		}
		b.WriteString(">" + strings.ReplaceAll(e, "_", " ") + "</option>")
	}
	return template.HTML(b.String())
}

func derefInt(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func loadPageSets() (map[string]*template.Template, error) {
	pageSetsOnce.Do(func() {
		names, err := fs.Glob(templates.FS, "pages/*.html")
		if err != nil {
			pageSetsErr = err
			return
		}
		sets := make(map[string]*template.Template, len(names))
		for _, n := range names {
			t, err := template.New("layout.html").Funcs(templateFuncs).ParseFS(templates.FS, "layout.html", "partials.html", n)
			if err != nil {
				pageSetsErr = fmt.Errorf("portal: template %s: %w", n, err)
				return
			}
			sets[strings.TrimSuffix(path.Base(n), ".html")] = t
		}
		pageSets = sets
	})
	return pageSets, pageSetsErr
}

// moneyLabel renders minor units with the currency code and thousands
// separators: "USD 12,345.60".
func moneyLabel(minor int64, currency string) string {
	s := money(minor, currency)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	out := groupDigits(whole)
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "−" + out
	}
	return currency + " " + out
}

func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// flash is a one-time message shown after a redirect.
type flash struct {
	Kind string // ok | warn | error
	Text string
}

type navItem struct {
	Href, Label string
	Current     bool
}

// pager is the data of the "pager" partial.
type pager struct {
	Total            int64
	From, To         int64
	PrevURL, NextURL string
	// More: orders follow this page but were not counted (Total unknown).
	More bool
}

// newPager pages a list of total rows; total may be store.MoreRows for a
// listing that did not count (a full page with more after it).
func newPager(c *gin.Context, p store.Page, total int64) *pager {
	n := max(p.Number, 1)
	size := int64(p.Limit())
	more := total == store.MoreRows
	if more {
		total = int64(n)*size + 1 // at least one row follows
	}
	pg := &pager{Total: total, From: int64(n-1)*size + 1, To: min(int64(n)*size, total)}
	if total == 0 {
		pg.From = 0
	}
	if more {
		pg.Total, pg.More = 0, true
	}
	link := func(page int) string {
		q := c.Request.URL.Query()
		q.Set("page", strconv.Itoa(page))
		return c.Request.URL.Path + "?" + q.Encode()
	}
	if n > 1 {
		pg.PrevURL = link(n - 1)
	}
	if int64(n)*size < total {
		pg.NextURL = link(n + 1)
	}
	return pg
}

// view is what every page template receives.
type view struct {
	Title        string
	Actor        store.Actor
	Signed       bool
	UserName     string
	SupplierName string
	Brand        store.BrandSettings
	TZName       string
	Nav          []navItem
	Flashes      []flash
	// Errors are field errors keyed by form field ("" for the whole form).
	Errors map[string]string
	// Form is what the user sent, re-shown after an error.
	Form  url.Values
	Pager *pager
	Query url.Values
	Data  any
	loc   *time.Location
	now   time.Time
	// nextChange is the earliest deadline the page showed as not yet passed:
	// the page stays what a render would give until then (zero: no such
	// deadline). Every helper that reads now must note it here.
	nextChange time.Time
}

// Overdue reports whether a deadline has passed; one that has not is noted
// as the time this page would change (nextChange).
func (v *view) Overdue(t *time.Time) bool {
	if t == nil {
		return false
	}
	if v.now.After(*t) {
		return true
	}
	if v.nextChange.IsZero() || t.Before(v.nextChange) {
		v.nextChange = *t
	}
	return false
}

// Day renders a time (or *time.Time) as a date in the brand's time zone.
func (v *view) Day(t any) string { return v.format(t, "2 Jan 2006") }

// When renders a time with hours and minutes in the brand's time zone.
func (v *view) When(t any) string { return v.format(t, "2 Jan 2006 15:04") }

// ISODay renders a date for a date input (YYYY-MM-DD).
func (v *view) ISODay(t any) string { return v.format(t, "2006-01-02") }

func (v *view) format(t any, layout string) string {
	var tt time.Time
	switch x := t.(type) {
	case time.Time:
		tt = x
	case *time.Time:
		if x == nil {
			return ""
		}
		tt = *x
	default:
		return ""
	}
	if tt.IsZero() {
		return ""
	}
	return tt.In(v.loc).Format(layout)
}

// Field returns what the user sent for a form field.
func (v *view) Field(name string) string { return v.Form.Get(name) }

// Err returns the error of one field.
func (v *view) Err(name string) string { return v.Errors[name] }

// Q returns a query parameter of the current request.
func (v *view) Q(name string) string { return v.Query.Get(name) }

// Is reports whether the actor has one of the roles (admin has all but supplier).
func (v *view) Is(roles ...string) bool {
	rs := make([]store.Role, len(roles))
	for i, r := range roles {
		rs[i] = store.Role(r)
	}
	return v.Actor.HasRole(rs...)
}

// IsSupplier reports whether the viewer is a supplier user.
func (v *view) IsSupplier() bool { return v.Actor.IsSupplier() }

// newView fills the parts of a view every page needs.
func (s *Server) newView(c *gin.Context, title string) *view {
	a := actorOf(c)
	v := &view{Title: title, Actor: a, Signed: a.Kind != "", Query: c.Request.URL.Query(), Form: url.Values{}, loc: time.UTC, TZName: "UTC", now: s.Store.Now()}
	if b, loc, err := s.brand(c); err == nil {
		v.Brand, v.loc, v.TZName = b, loc, loc.String()
	}
	if u, ok := c.Get(userKey); ok {
		v.UserName = u.(store.User).Name
		if v.UserName == "" {
			v.UserName = u.(store.User).Email
		}
	}
	if sp, ok := s.actorSupplier(c); ok {
		v.SupplierName = sp.Name
	}
	if v.Signed {
		v.Nav = navFor(a, c.Request.URL.Path)
	}
	v.Flashes = s.popFlashes(c)
	return v
}

// render writes one page. Rendering into a buffer first means a template
// error becomes a clean 500 page instead of half a page.
func (s *Server) render(c *gin.Context, status int, page string, v *view) {
	if body, ok := s.renderPage(c, page, v); ok {
		writePage(c, status, body)
	}
}

// renderPage renders a page into memory; on failure it has already answered
// with an error page and returns ok=false.
func (s *Server) renderPage(c *gin.Context, page string, v *view) (body []byte, ok bool) {
	sets, err := loadPageSets()
	if err != nil {
		s.Log.Error("templates", "error", err)
		c.String(http.StatusInternalServerError, "templates failed to load")
		return nil, false
	}
	t, found := sets[page]
	if !found {
		s.Log.Error("no such page template", "page", page)
		c.String(http.StatusInternalServerError, "page template missing")
		return nil, false
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		s.Log.Error("render", "page", page, "error", err)
		if page != "error" {
			s.renderError(c, http.StatusInternalServerError, &fault.Error{Code: fault.Internal, Message: "this page could not be shown; it has been logged"})
			return nil, false
		}
		c.String(http.StatusInternalServerError, "error page failed")
		return nil, false
	}
	return buf.Bytes(), true
}

// writePage sends a rendered page. The length is given so the body goes out
// in one piece rather than chunked (one write fewer per page).
func writePage(c *gin.Context, status int, body []byte) {
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(status, "text/html; charset=utf-8", body)
}

// errorsOf turns a command error into field errors for re-showing a form.
// It returns ok=false for errors that are not about the input (not found,
// forbidden, internal), which are answered with an error page instead.
func errorsOf(err error) (map[string]string, int, bool) {
	fe := classify(err)
	switch fe.Code {
	case fault.Invalid, fault.Conflict, fault.Unprocessable, fault.TooLarge, fault.RateLimited:
		return map[string]string{fe.Field: fe.Message}, statusOf(fe.Code), true
	}
	return nil, 0, false
}

// brandTTL bounds how long a page may show old brand settings (name, time
// zone); every page needs them, and they change a few times a year.
const brandTTL = 30 * time.Second

type cachedBrand struct {
	brand store.BrandSettings
	loc   *time.Location
	at    time.Time
	key   string // every field, for page cache keys
}

var brandCache sync.Map // *Server -> cachedBrand

// brand returns the brand settings and time zone, cached for brandTTL.
func (s *Server) brand(c *gin.Context) (store.BrandSettings, *time.Location, error) {
	if v, ok := brandCache.Load(s); ok {
		cb := v.(cachedBrand)
		if time.Since(cb.at) < brandTTL {
			return cb.brand, cb.loc, nil
		}
	}
	b, err := s.Store.Brand(c.Request.Context())
	if err != nil {
		return b, time.UTC, err
	}
	loc, err := time.LoadLocation(b.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	brandCache.Store(s, cachedBrand{brand: b, loc: loc, at: time.Now(), key: fmt.Sprintf("%+v", b)})
	return b, loc, nil
}

// brandKey spells out every field of the brand settings for a page cache
// key (formatted once per brand cache refresh, not per page).
func (s *Server) brandKey(b store.BrandSettings) string {
	if v, ok := brandCache.Load(s); ok {
		if cb := v.(cachedBrand); cb.brand == b {
			return cb.key
		}
	}
	return fmt.Sprintf("%+v", b)
}

const supplierKey = "pogate.supplier"

// actorSupplier is the supplier of a supplier user, read once per request.
func (s *Server) actorSupplier(c *gin.Context) (store.Supplier, bool) {
	a := actorOf(c)
	if !a.IsSupplier() || a.SupplierID <= 0 {
		return store.Supplier{}, false
	}
	if v, ok := c.Get(supplierKey); ok {
		return v.(store.Supplier), true
	}
	sp, err := s.Store.Supplier(c.Request.Context(), a.SupplierID)
	if err != nil {
		return sp, false
	}
	c.Set(supplierKey, sp)
	return sp, true
}

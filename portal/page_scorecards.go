package portal

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		s.signedIn(web).GET("/scorecards", s.requireRole(store.RoleSupplier, store.RoleBuyer, store.RoleApprover, store.RoleAP), s.pageScorecards)
	})
	addNav(60, "/scorecards", "Scorecards", func(a store.Actor) bool {
		return a.IsSupplier() || a.HasRole(store.RoleBuyer, store.RoleApprover, store.RoleAP)
	})
}

type scorecardsData struct {
	Cards     []procure.ScorecardView
	Suppliers map[int64]string
	AllSups   []store.Supplier
	// Charts are inline SVGs drawn here from numbers only.
	Charts []template.HTML
}

// pageScorecards shows monthly scorecards: a supplier its own, staff any
// supplier's (filter), each measure as a small bar chart drawn on the
// server as inline SVG (no script, no CDN).
func (s *Server) pageScorecards(c *gin.Context) {
	a := actorOf(c)
	f := procure.ScorecardFilter{From: c.Query("from"), To: c.Query("to")}
	if v := c.Query("supplier_id"); v != "" && !a.IsSupplier() {
		f.SupplierID, _ = strconv.ParseInt(v, 10, 64)
	}
	v := s.newView(c, "Scorecards")
	cards, err := s.Procure.Scorecards(c.Request.Context(), a, f)
	if err != nil {
		if errs, st, ok := errorsOf(err); ok {
			v.Errors = errs
			v.Data = scorecardsData{}
			s.render(c, st, "scorecards", v)
			return
		}
		s.fail(c, err)
		return
	}
	d := scorecardsData{Cards: cards}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	if !a.IsSupplier() {
		if d.AllSups, _, err = s.Store.Suppliers(c.Request.Context(), "", store.Page{Size: store.MaxPageSize}); err != nil {
			s.fail(c, err)
			return
		}
	}
	for _, m := range []struct{ key, title string }{
		{"otif_rate", "On time, in full"}, {"ack_sla_hit_rate", "Acknowledged within the SLA"},
		{"fill_rate_quantity", "Quantity fill rate"}, {"invoice_exception_rate", "Invoices in exception (lower is better)"},
	} {
		var bars []bar
		for _, card := range cards {
			bp, ok := card.BP[m.key]
			if !ok {
				continue
			}
			label := card.Month
			if !a.IsSupplier() && f.SupplierID == 0 {
				label = d.Suppliers[card.SupplierID] + " " + card.Month
			}
			bars = append(bars, bar{Label: label, BP: bp, Bad: m.key == "invoice_exception_rate"})
		}
		if len(bars) > 0 {
			d.Charts = append(d.Charts, barChart(m.title, bars))
		}
	}
	v.Data = d
	s.render(c, http.StatusOK, "scorecards", v)
}

// bar is one value of a chart in basis points (0-10000).
type bar struct {
	Label string
	BP    int64
	Bad   bool
}

// barChart draws horizontal bars as SVG. Labels are escaped; every number
// is computed here, so the markup is safe to embed.
func barChart(title string, bars []bar) template.HTML {
	const rowH, labelW, barW = 22, 170, 300
	h := len(bars)*rowH + 30
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bars" role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d">`,
		template.HTMLEscapeString(title), labelW+barW+70, h, labelW+barW+70, h)
	fmt.Fprintf(&b, `<title>%s</title><text x="0" y="14">%s</text>`, template.HTMLEscapeString(title), template.HTMLEscapeString(title))
	for i, br := range bars {
		y := 24 + i*rowH
		w := int(min(max(br.BP, 0), 10000) * barW / 10000)
		cls := "bar"
		if br.Bad {
			cls = "bar bar-bad"
		}
		fmt.Fprintf(&b, `<text x="0" y="%d">%s</text>`, y+13, template.HTMLEscapeString(br.Label))
		fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, labelW, y, labelW, y+rowH-4)
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d"/>`, cls, labelW, y+2, w, rowH-8)
		fmt.Fprintf(&b, `<text x="%d" y="%d">%d.%02d%%</text>`, labelW+w+6, y+13, br.BP/100, br.BP%100)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // #nosec: numbers and escaped labels only
}

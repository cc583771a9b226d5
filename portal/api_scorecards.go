package portal

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, web *gin.RouterGroup) {
		api.GET("/scorecards", s.apiListScorecards)
		api.GET("/scorecards.csv", s.apiScorecardsCSV)
		api.POST("/scorecards/recompute", s.requireRole(store.RoleBuyer, store.RoleAP), s.apiRecomputeScorecards)
	})
}

// scorecardFilter reads ?supplier_id=&from=&to= (months as YYYY-MM). A
// supplier token's own supplier replaces whatever it asks for (in procure).
func scorecardFilter(c *gin.Context) (procure.ScorecardFilter, error) {
	f := procure.ScorecardFilter{From: c.Query("from"), To: c.Query("to")}
	if v := c.Query("supplier_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return f, fieldErr("supplier_id", "must be a positive whole number")
		}
		f.SupplierID = id
	}
	return f, nil
}

func (s *Server) scorecards(c *gin.Context) ([]procure.ScorecardView, bool) {
	f, err := scorecardFilter(c)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	cards, err := s.Procure.Scorecards(c.Request.Context(), actorOf(c), f)
	if err != nil {
		s.fail(c, err)
		return nil, false
	}
	return cards, true
}

// apiListScorecards returns stored months, by supplier then month; with
// ?format=csv it answers like /scorecards.csv.
func (s *Server) apiListScorecards(c *gin.Context) {
	switch c.DefaultQuery("format", "json") {
	case "csv":
		s.apiScorecardsCSV(c)
		return
	case "json":
	default:
		s.fail(c, fieldErr("format", "must be json or csv"))
		return
	}
	cards, ok := s.scorecards(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": cards, "total": len(cards)})
}

// apiScorecardsCSV writes the same rows as CSV for spreadsheets.
func (s *Server) apiScorecardsCSV(c *gin.Context) {
	cards, ok := s.scorecards(c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(procure.ScorecardCSVHeader)
	for _, v := range cards {
		w.Write(v.CSVRow())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="scorecards.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// apiRecomputeScorecards recomputes one month on demand (staff).
func (s *Server) apiRecomputeScorecards(c *gin.Context) {
	var in struct {
		Month string `json:"month"`
	}
	if err := decodeJSON(c, &in); err != nil {
		s.fail(c, err)
		return
	}
	n, err := s.Procure.RecomputeScorecards(c.Request.Context(), actorOf(c), in.Month)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"month": in.Month, "suppliers": n})
}

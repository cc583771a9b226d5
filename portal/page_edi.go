package portal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, _, web *gin.RouterGroup) {
		g := s.signedIn(web).Group("", s.requireRole(store.RoleSupplier, store.RoleBuyer, store.RoleAP))
		g.GET("/edi", s.pageEDIFiles)
		g.GET("/edi/:file_id", s.pageEDIFile)
		g.GET("/edi/:file_id/raw", s.getEDIRaw)
	})
	addNav(70, "/edi", "EDI files", func(a store.Actor) bool { return a.IsSupplier() || a.HasRole(store.RoleBuyer, store.RoleAP) })
}

type ediFilesData struct {
	Files     []store.EDIFile
	Suppliers map[int64]string
}

// pageEDIFiles lists EDI files in and out, newest first; a supplier sees
// only its own partner's files (the gateway scopes by the actor).
func (s *Server) pageEDIFiles(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	f := store.EDIFileFilter{Direction: c.Query("direction"), Kind: strings.TrimSpace(c.Query("kind"))}
	if st := c.Query("status"); st != "" {
		f.Statuses = []string{st}
	}
	files, total, err := s.EDIGateway().Files(c.Request.Context(), actorOf(c), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	d := ediFilesData{Files: files}
	if d.Suppliers, err = s.supplierNames(c); err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "EDI files")
	v.Data = d
	v.Pager = newPager(c, page, total)
	s.render(c, http.StatusOK, "edi_files", v)
}

func (s *Server) pageEDIFile(c *gin.Context) {
	id, err := idParam(c, "file_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	det, err := s.EDIGateway().FileDetail(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	v := s.newView(c, "EDI file "+det.File.Filename)
	v.Data = det
	s.render(c, http.StatusOK, "edi_file", v)
}

// getEDIRaw downloads the file exactly as stored (the legal original).
func (s *Server) getEDIRaw(c *gin.Context) {
	id, err := idParam(c, "file_id")
	if err != nil {
		s.fail(c, err)
		return
	}
	f, raw, err := s.EDIGateway().Raw(c.Request.Context(), actorOf(c), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	name := strings.NewReplacer(`"`, "", "\r", "", "\n", "").Replace(f.Filename)
	if name == "" {
		name = "edi-" + strconv.FormatInt(f.ID, 10) + ".edi"
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/edi-x12", raw)
}

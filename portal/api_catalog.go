package portal

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
)

func init() {
	addRoutes(func(s *Server, api, _ *gin.RouterGroup) {
		api.GET("/catalog-items", s.apiListCatalog)
		api.POST("/catalog-items/import", s.requireRole(store.RoleBuyer), s.apiImportCatalog)
	})
}

func (s *Server) apiListCatalog(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var f store.CatalogFilter
	for name, dst := range map[string]*int64{"supplier_id": &f.SupplierID, "product_id": &f.ProductID} {
		if *dst, err = queryID(c, name); err != nil {
			s.fail(c, err)
			return
		}
	}
	a := actorOf(c)
	if a.IsSupplier() {
		f.SupplierID = a.SupplierID
	}
	if c.Query("stale") == "true" {
		f.StaleBefore = s.Store.Now().AddDate(0, 0, -90)
	}
	items, total, err := s.Store.CatalogItems(c.Request.Context(), f, page)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(items, total, page, catalogItemView))
}

// importFailure carries the row errors into the JSON error's details.
type importFailure struct {
	err    error
	result procure.ImportResult
}

func (e importFailure) Error() string     { return e.err.Error() }
func (e importFailure) Unwrap() error     { return e.err }
func (e importFailure) ErrorDetails() any { return e.result }

// apiImportCatalog takes a CSV/TSV/XLSX file as multipart field "file" or as
// the raw body. ?partial=true applies the good rows of a file with errors.
func (s *Server) apiImportCatalog(c *gin.Context) {
	r, name, err := uploadedFile(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	defer r.Close()
	res, err := s.Procure.ImportCatalog(c.Request.Context(), actorOf(c), r, procure.ImportOptions{Partial: c.Query("partial") == "true", Filename: name})
	if err != nil {
		if errors.Is(err, procure.ErrImportRejected) {
			s.fail(c, importFailure{err: err, result: res})
			return
		}
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// uploadedFile returns the multipart "file" field, or the raw body.
func uploadedFile(c *gin.Context) (io.ReadCloser, string, error) {
	if ct := c.ContentType(); ct == "multipart/form-data" {
		fh, err := c.FormFile("file")
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, "", classify(err)
			}
			return nil, "", fieldErr("file", "attach the file as the multipart field 'file'")
		}
		f, err := fh.Open()
		if err != nil {
			return nil, "", err
		}
		return f, fh.Filename, nil
	}
	return c.Request.Body, c.Query("filename"), nil
}

// Package portal is pogate's web face: the HTML portal for suppliers, buyers,
// approvers, the warehouse and accounts payable, and the JSON API under
// /api/v1 for machines. Handlers only translate HTTP to procure commands and
// back; errors are mapped to statuses once, in errors.go.
package portal

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/pogate/pogate/internal/config"
	"github.com/pogate/pogate/internal/procure"
	"github.com/pogate/pogate/internal/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Deps are what the portal needs; cmd builds them.
type Deps struct {
	Config  config.Config
	Store   *store.Store
	Procure *procure.Service
	Log     *slog.Logger
}

// Server is the HTTP application.
type Server struct {
	Deps
	engine   *gin.Engine
	handler  http.Handler
	registry *prometheus.Registry
	requests *prometheus.HistogramVec
	openapi  *openAPI
	// pageCache keeps rendered pages that can be reused exactly (PO list).
	pageCache *pageCache
	// wrap lets page files add outer middleware (sessions) around the engine.
	wrappers []func(http.Handler) http.Handler
}

// routeSet registers a group of routes. Each api_*.go and page_*.go file adds
// its own in init, so adding a feature never edits a central table; the
// tenant-isolation test walks the router, so no route escapes it.
type routeSet func(s *Server, api *gin.RouterGroup, web *gin.RouterGroup)

var routeSets []routeSet

func addRoutes(r routeSet) { routeSets = append(routeSets, r) }

// setupHooks run once when the server is built (sessions, templates).
var setupHooks []func(s *Server) error

// New builds the server and its routes.
func New(d Deps) (*Server, error) {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Deps: d, registry: prometheus.NewRegistry()}
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "pogate_http_request_duration_seconds", Help: "HTTP requests by route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route", "method", "status"})
	s.registry.MustRegister(s.requests)
	s.pageCache = newPageCache(pageCacheBytes, s.registry)

	oa, err := loadOpenAPI()
	if err != nil {
		return nil, err
	}
	s.openapi = oa

	e := gin.New()
	e.ContextWithFallback = true
	e.HandleMethodNotAllowed = false
	if err := e.SetTrustedProxies(d.Config.TrustedProxies); err != nil {
		return nil, fmt.Errorf("portal: trusted proxies: %w", err)
	}
	e.Use(s.recoverer(), s.logRequests(), securityHeaders(), bodyLimit(d.Config.MaxUploadBytes))
	e.NoRoute(func(c *gin.Context) { s.fail(c, errNoRoute) })

	e.GET("/healthz", s.healthz)
	e.GET("/metrics", gin.WrapH(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{})))
	e.GET("/api/openapi.json", s.serveOpenAPI)

	api := e.Group("/api/v1", s.apiAuth(), s.validateRequest(), s.idempotency())
	web := e.Group("")
	s.engine = e
	for _, h := range setupHooks {
		if err := h(s); err != nil {
			return nil, err
		}
	}
	for _, r := range routeSets {
		r(s, api, web)
	}
	var h http.Handler = e
	for _, w := range s.wrappers {
		h = w(h)
	}
	// Browsers' cross-origin form posts are refused; machine clients without
	// Origin or Sec-Fetch-Site pass, which is why API tokens are never cookies.
	s.handler = http.NewCrossOriginProtection().Handler(h)
	return s, nil
}

// Handler is the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.handler }

// Engine exposes the router (tests enumerate its routes).
func (s *Server) Engine() *gin.Engine { return s.engine }

// Wrap adds an outer middleware around the whole engine (used by sessions,
// which must wrap the engine rather than run as gin middleware).
func (s *Server) Wrap(w func(http.Handler) http.Handler) { s.wrappers = append(s.wrappers, w) }

func (s *Server) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable", "error": err.Error()})
		return
	}
	if pending, err := s.Store.Pending(ctx); err != nil || pending {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "migrations pending"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "database": s.Store.Dialect()})
}

func (s *Server) recoverer() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.Log.Error("panic in handler", "path", c.Request.URL.Path, "panic", r)
				s.fail(c, fmt.Errorf("internal error: %v", r))
				c.Abort()
			}
		}()
		c.Next()
	}
}

func (s *Server) logRequests() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		s.requests.WithLabelValues(route, c.Request.Method, fmt.Sprint(c.Writer.Status())).Observe(d.Seconds())
		level := slog.LevelDebug
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		s.Log.Log(c.Request.Context(), level, "http", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "duration_ms", d.Milliseconds(), "client", c.ClientIP())
	}
}

func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		c.Next()
	}
}

// bodyLimit refuses a declared oversize body at once and caps the rest, so
// a 200 MB upload is answered 413 without being read.
func bodyLimit(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > max {
			c.Header("Connection", "close")
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, errorBody{Error: errorDetail{Code: "too_large",
				Message: fmt.Sprintf("the upload is %d bytes; the limit is %d bytes", c.Request.ContentLength, max)}})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		c.Next()
	}
}

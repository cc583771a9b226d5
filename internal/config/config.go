// Package config holds the one Config struct of pogate. It is filled from the
// environment and then from flags in cmd, validated once at start, and passed
// down; no package reads the environment on its own.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a pogate process.
type Config struct {
	// DatabaseURL selects PostgreSQL (postgres://...); empty means the
	// embedded SQLite file DataDir/pogate.db.
	DatabaseURL string
	// Addr is where the portal and API listen.
	Addr string
	// DataDir holds the SQLite file, stored documents and EDI folders.
	DataDir string
	// Demo seeds a demo brand on an empty database.
	Demo bool
	// TrustedProxies are the proxy addresses whose X-Forwarded-For is believed.
	TrustedProxies []string
	// SMTP settings for outbound mail; empty host disables sending (logged).
	SMTPHost     string
	SMTPPort     int
	SMTPUser     string
	SMTPPassword string
	SMTPFrom     string
	// BaseURL is the public address used in e-mailed links.
	BaseURL string
	// MaxUploadBytes caps any uploaded file before it is read.
	MaxUploadBytes int64
	// ShutdownTimeout bounds graceful shutdown.
	ShutdownTimeout time.Duration
	// SecureCookies marks session cookies Secure (on behind TLS).
	SecureCookies bool
}

// Defaults returns the settings a newcomer gets with no configuration.
func Defaults() Config {
	return Config{
		Addr:            "127.0.0.1:8080",
		DataDir:         "./pogate-data",
		SMTPPort:        25,
		SMTPFrom:        "pogate@localhost",
		MaxUploadBytes:  20 << 20,
		ShutdownTimeout: 10 * time.Second,
	}
}

// FromEnv overlays POGATE_* environment variables on c. lookup is
// os.LookupEnv in production and a map in tests.
func FromEnv(c Config, lookup func(string) (string, bool)) (Config, error) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	var errs []error
	str := func(name string, dst *string) {
		if v, ok := lookup(name); ok {
			*dst = v
		}
	}
	integer := func(name string, dst *int) {
		if v, ok := lookup(name); ok && v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not a whole number", name, v))
				return
			}
			*dst = n
		}
	}
	boolean := func(name string, dst *bool) {
		if v, ok := lookup(name); ok && v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %q is not true or false", name, v))
				return
			}
			*dst = b
		}
	}
	str("POGATE_DATABASE_URL", &c.DatabaseURL)
	str("POGATE_ADDR", &c.Addr)
	str("POGATE_DATA_DIR", &c.DataDir)
	boolean("POGATE_DEMO", &c.Demo)
	if v, ok := lookup("POGATE_TRUSTED_PROXIES"); ok && strings.TrimSpace(v) != "" {
		for _, p := range strings.Split(v, ",") {
			c.TrustedProxies = append(c.TrustedProxies, strings.TrimSpace(p))
		}
	}
	str("POGATE_SMTP_HOST", &c.SMTPHost)
	integer("POGATE_SMTP_PORT", &c.SMTPPort)
	str("POGATE_SMTP_USER", &c.SMTPUser)
	str("POGATE_SMTP_PASSWORD", &c.SMTPPassword)
	str("POGATE_SMTP_FROM", &c.SMTPFrom)
	str("POGATE_BASE_URL", &c.BaseURL)
	if v, ok := lookup("POGATE_MAX_UPLOAD_BYTES"); ok && v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Errorf("POGATE_MAX_UPLOAD_BYTES: %q is not a whole number of bytes", v))
		} else {
			c.MaxUploadBytes = n
		}
	}
	boolean("POGATE_SECURE_COOKIES", &c.SecureCookies)
	return c, errors.Join(errs...)
}

// Validate checks every setting and names the one that is wrong.
func (c Config) Validate() error {
	var errs []error
	if c.DatabaseURL != "" {
		if err := ValidateDatabaseURL(c.DatabaseURL); err != nil {
			errs = append(errs, err)
		}
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("POGATE_ADDR / --addr: %q is not host:port (%v)", c.Addr, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		errs = append(errs, fmt.Errorf("POGATE_ADDR / --addr: port %q is not a number from 0 to 65535", port))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		errs = append(errs, errors.New("POGATE_DATA_DIR / --data: must not be empty"))
	}
	if c.SMTPPort <= 0 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("POGATE_SMTP_PORT: %d is not a port", c.SMTPPort))
	}
	if c.MaxUploadBytes <= 0 {
		errs = append(errs, fmt.Errorf("POGATE_MAX_UPLOAD_BYTES: %d must be positive", c.MaxUploadBytes))
	}
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				errs = append(errs, fmt.Errorf("POGATE_TRUSTED_PROXIES: %q is neither an IP nor a CIDR", p))
			}
		}
	}
	return errors.Join(errs...)
}

// ValidateDatabaseURL accepts postgres:// and postgresql:// URLs with a host
// and a database name, and explains what is wrong otherwise.
func ValidateDatabaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("POGATE_DATABASE_URL: cannot parse %q: %v", redact(raw), err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("POGATE_DATABASE_URL: scheme %q is not supported; use postgres://user@host:5432/dbname, or leave it empty for the embedded SQLite database", u.Scheme)
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return fmt.Errorf("POGATE_DATABASE_URL: %q has no host; use postgres://user@host:5432/dbname", redact(raw))
	}
	if strings.Trim(u.Path, "/") == "" {
		return fmt.Errorf("POGATE_DATABASE_URL: %q names no database; add /dbname", redact(raw))
	}
	return nil
}

// SQLitePath is where the embedded database lives.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "pogate.db") }

// redact hides a password in a URL before it is printed.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

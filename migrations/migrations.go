// Package migrations embeds the versioned SQL for each dialect. The two
// folders carry the same version numbers so both databases end at the same
// schema version; a test in internal/store checks they pair up.
package migrations

import "embed"

// Postgres holds the PostgreSQL migrations under postgres/.
//
//go:embed postgres/*.sql
var Postgres embed.FS

// SQLite holds the SQLite migrations under sqlite/.
//
//go:embed sqlite/*.sql
var SQLite embed.FS

package store

// SessionBatchQueries is how many batch queries ss has sent (PostgreSQL).
func SessionBatchQueries(ss *SessionStore) int64 { return ss.batch.queries.Load() }

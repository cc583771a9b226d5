package store

// Page is a window of a list. Zero values mean the first page of 50.
type Page struct {
	Number int // 1-based
	Size   int
}

// MaxPageSize bounds what one request can pull.
const MaxPageSize = 200

func (p Page) limit() int {
	switch {
	case p.Size <= 0:
		return 50
	case p.Size > MaxPageSize:
		return MaxPageSize
	}
	return p.Size
}

func (p Page) offset() int {
	if p.Number <= 1 {
		return 0
	}
	return (p.Number - 1) * p.limit()
}

// Limit is the effective page size.
func (p Page) Limit() int { return p.limit() }

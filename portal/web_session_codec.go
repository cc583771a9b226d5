package portal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec encodes session data for the session store. Every page view
// decodes the session and, with an idle timeout, encodes it again; with
// scs's gob codec that was a decoder compiled per request and a tenth of
// the PO list page's CPU. Sessions hold a few int64s, strings and bools,
// so those get a flat binary form; any other value falls back to gob, and
// gob data (sessions written before this codec) still decodes.
type sessionCodec struct{ gob scs.GobCodec }

// sessionMagic starts every session in the flat form; gob data never
// starts with it (its first byte is a message length).
var sessionMagic = []byte{0, 'p', 'g', 's', 1}

const (
	sessInt64  = 'i'
	sessString = 's'
	sessBool   = 'b'
)

// maxSessionValue bounds one decoded key or string: a session is a few
// hundred bytes; anything larger is corrupt.
const maxSessionValue = 1 << 16

func (c sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	b := append([]byte(nil), sessionMagic...)
	// Seconds and nanoseconds: UnixNano cannot hold every time.Time.
	b = binary.AppendVarint(b, deadline.Unix())
	b = binary.AppendUvarint(b, uint64(deadline.Nanosecond()))
	b = binary.AppendUvarint(b, uint64(len(values)))
	// Keys in order, so an unchanged session encodes to the same bytes and
	// the store can skip re-writing it (SessionStore.SkipTouch); in map
	// order a two-key session differed on about every other request.
	for _, k := range slices.Sorted(maps.Keys(values)) {
		v := values[k]
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
		switch x := v.(type) {
		case int64:
			b = binary.AppendVarint(append(b, sessInt64), x)
		case string:
			b = binary.AppendUvarint(append(b, sessString), uint64(len(x)))
			b = append(b, x...)
		case bool:
			n := byte(0)
			if x {
				n = 1
			}
			b = append(b, sessBool, n)
		default:
			return c.gob.Encode(deadline, values)
		}
	}
	return b, nil
}

func (c sessionCodec) Decode(data []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(data, sessionMagic) {
		return c.gob.Decode(data)
	}
	r := bytes.NewReader(data[len(sessionMagic):])
	bad := func(what string) (time.Time, map[string]any, error) {
		return time.Time{}, nil, fmt.Errorf("portal: session data corrupt at %s", what)
	}
	secs, err := binary.ReadVarint(r)
	if err != nil {
		return bad("deadline")
	}
	nanos, err := binary.ReadUvarint(r)
	if err != nil || nanos >= uint64(time.Second) {
		return bad("deadline")
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(r.Len()) {
		return bad("count")
	}
	values := make(map[string]any, n)
	readBytes := func() ([]byte, error) {
		l, err := binary.ReadUvarint(r)
		if err != nil || l > maxSessionValue || l > uint64(r.Len()) {
			return nil, errors.New("length")
		}
		out := make([]byte, l)
		_, err = io.ReadFull(r, out)
		return out, err
	}
	for i := uint64(0); i < n; i++ {
		k, err := readBytes()
		if err != nil {
			return bad("key")
		}
		kind, err := r.ReadByte()
		if err != nil {
			return bad("type of " + string(k))
		}
		switch kind {
		case sessInt64:
			v, err := binary.ReadVarint(r)
			if err != nil {
				return bad(string(k))
			}
			values[string(k)] = v
		case sessString:
			v, err := readBytes()
			if err != nil {
				return bad(string(k))
			}
			values[string(k)] = string(v)
		case sessBool:
			v, err := r.ReadByte()
			if err != nil || v > 1 {
				return bad(string(k))
			}
			values[string(k)] = v == 1
		default:
			return bad("type of " + string(k))
		}
	}
	if r.Len() != 0 {
		return bad("end")
	}
	return time.Unix(secs, int64(nanos)), values, nil
}

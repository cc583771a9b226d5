package portal

import (
	"reflect"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTripsAndReadsGob(t *testing.T) {
	c := sessionCodec{}
	deadline := time.Date(2026, 11, 27, 13, 0, 0, 123, time.UTC)
	values := map[string]any{sessUserID: int64(42), sessSignedAt: int64(-5), sessFlash: "ok\x00Saved \u2713", "remember": true, "": ""}
	b, err := c.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 {
		t.Fatalf("flat form not used: % x", b[:8])
	}
	gotDeadline, got, err := c.Decode(b)
	if err != nil || !gotDeadline.Equal(deadline) || !reflect.DeepEqual(got, values) {
		t.Fatalf("round trip: %v %v %v", gotDeadline, got, err)
	}
	// The same values encode to the same bytes (the store skips unchanged writes).
	for range 20 {
		again, err := c.Encode(deadline, values)
		if err != nil || string(again) != string(b) {
			t.Fatalf("encoding differs between calls: % x vs % x", again, b)
		}
	}
	// A value of another type falls back to gob, and still round-trips.
	other := map[string]any{"ratio": 1.5, sessUserID: int64(3)}
	b, err = c.Encode(deadline, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.Decode(b); err != nil || !reflect.DeepEqual(got, other) {
		t.Fatalf("gob fallback: %v %v", got, err)
	}
	// Sessions written by scs's gob codec before this one still decode.
	old, err := scs.GobCodec{}.Encode(deadline, map[string]any{sessUserID: int64(7)})
	if err != nil {
		t.Fatal(err)
	}
	if _, got, err := c.Decode(old); err != nil || got[sessUserID] != int64(7) {
		t.Fatalf("old gob session: %v %v", got, err)
	}
	// Corrupt or truncated data is an error, never a panic or a half session.
	good, _ := c.Encode(deadline, values)
	for i := len(sessionMagic); i < len(good); i++ {
		if _, got, err := c.Decode(good[:i]); err == nil {
			t.Errorf("truncated at %d decoded: %v", i, got)
		}
	}
	if _, _, err := c.Decode(append(good, 0)); err == nil {
		t.Error("trailing byte accepted")
	}
}

func FuzzSessionCodecDecode(f *testing.F) {
	c := sessionCodec{}
	good, _ := c.Encode(time.Unix(1, 0), map[string]any{sessUserID: int64(1), sessFlash: "x", "b": true})
	f.Add(good)
	f.Add([]byte{0, 'p', 'g', 's', 1, 2, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		deadline, values, err := c.Decode(data)
		if err != nil {
			return
		}
		// What decodes re-encodes to something that decodes the same.
		b, err := c.Encode(deadline, values)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		d2, v2, err := c.Decode(b)
		if err != nil || !d2.Equal(deadline) || (len(v2) > 0 || len(values) > 0) && !reflect.DeepEqual(v2, values) {
			t.Fatalf("re-decode: %v %v %v", d2, v2, err)
		}
	})
}

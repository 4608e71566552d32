package demand

import (
	"encoding/binary"
	"encoding/hex"
	"time"

	"github.com/dchest/siphash"
)

// hash returns the keyed hash of a targeting key: SipHash-2-4, a keyed
// pseudo-random function made for short inputs. Its output is uniform, as
// HyperLogLog needs, and without the key it cannot be inverted or tested
// against guessed keys. Keys up to 256 bytes are hashed from a stack copy
// (no allocation), in a buffer of 64 bytes (a UUID, most e-mail addresses)
// or 256: the buffer is zeroed on each call, so the small one is the
// common one. Longer keys are copied to the heap.
func (c *Counter) hash(key string) uint64 {
	if len(key) <= 64 {
		var buf [64]byte
		return siphash.Hash(c.k0, c.k1, append(buf[:0], key...))
	}
	if len(key) <= 256 {
		var buf [256]byte
		return siphash.Hash(c.k0, c.k1, append(buf[:0], key...))
	}
	return siphash.Hash(c.k0, c.k1, []byte(key))
}

// pseudonym renders a keyed hash as the caller's name in reports.
func pseudonym(h uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], h)
	return hex.EncodeToString(b[:])
}

// parsePseudonym is the inverse of pseudonym.
func parsePseudonym(s string) (uint64, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 8 {
		return 0, errorf("caller id %q is not 16 hex digits", s)
	}
	return binary.BigEndian.Uint64(b), nil
}

// Day is a UTC calendar day, counted from 1970-01-01 (day 0). Its text form
// is the date, e.g. "2026-12-03".
type Day int64

const secondsPerDay = 24 * 60 * 60

// dayOf returns the UTC day of t.
func dayOf(t time.Time) Day {
	s := t.Unix()
	d := s / secondsPerDay
	if s%secondsPerDay < 0 {
		d--
	}
	return Day(d)
}

// Time returns midnight UTC at the start of d.
func (d Day) Time() time.Time { return time.Unix(int64(d)*secondsPerDay, 0).UTC() }

// String returns the date, e.g. "2026-12-03".
func (d Day) String() string { return d.Time().Format(time.DateOnly) }

// MarshalText implements encoding.TextMarshaler.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Day) UnmarshalText(b []byte) error {
	t, err := time.Parse(time.DateOnly, string(b))
	if err != nil {
		return errorf("day %q is not a date (YYYY-MM-DD)", b)
	}
	*d = dayOf(t)
	return nil
}

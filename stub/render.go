package stub

import (
	"strconv"
	"unicode/utf8"
)

// appendProblem renders the members of p, as encoding/json renders them
// (same order, same escaping, empty optional members omitted), into one
// buffer: the prefix `{...,"instance":"`, ending at mid, and the suffix
// `",...}` + "\n". It replaces two json.Marshal calls, because a large route
// table builds one Responder per planned route.
func appendProblem(p *Problem) (body []byte, mid int) {
	body = appendPrefix(make([]byte, 0, problemSize(p)), p)
	mid = len(body)
	return appendSuffix(body, p), mid
}

// problemSize is the length of p's prefix and suffix when no member needs
// escaping.
func problemSize(p *Problem) int {
	return 112 + len(p.Type) + len(p.Title) + len(p.Detail) + len(p.Stage) + len(p.Route) + len(p.Available) + len(p.Docs)
}

// appendPrefix appends `{...,"instance":"`: the members before "instance".
func appendPrefix(b []byte, p *Problem) []byte {
	b = appendHead(b, p)
	return appendDetail(b, p)
}

// appendHead appends `{"type":...,"title":...,"status":...`.
func appendHead(b []byte, p *Problem) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, p.Type)
	b = append(b, `,"title":`...)
	b = appendString(b, p.Title)
	b = append(b, `,"status":`...)
	return strconv.AppendInt(b, int64(p.Status), 10)
}

// appendDetail appends the rest of the prefix after appendHead:
// `,"detail":...,"instance":"`.
func appendDetail(b []byte, p *Problem) []byte {
	b = appendMember(b, "detail", p.Detail)
	return append(b, `,"instance":"`...)
}

// appendSuffix appends `",...}` + "\n": the members after "instance".
func appendSuffix(b []byte, p *Problem) []byte {
	b = append(b, '"')
	b = appendMember(b, "stage", p.Stage)
	b = appendMember(b, "route", p.Route)
	b = appendMember(b, "available", p.Available)
	b = appendMember(b, "docs", p.Docs)
	return append(b, "}\n"...)
}

// appendMember appends `,"name":"value"` unless value is empty (omitempty).
func appendMember(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

const hexDigits = "0123456789abcdef"

// safeBytes has a 1 at the index of every byte appendString copies as it
// is: printable ASCII other than '"', '\\', '<', '>' and '&'.
const safeBytes = "" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x01\x01\x00\x01\x01\x01\x00\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x01\x00\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

// safePrefix returns the length of the longest prefix of s that
// appendString copies as it is (see safeBytes). It checks eight bytes at a
// time: none is 0x80 or above, below 0x20, or one of '"', '\\', '<', '>'
// and '&'.
func safePrefix(s string) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	// zero reports whether a byte of v is zero.
	zero := func(v uint64) bool { return (v-lo)&^v&hi != 0 }
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if x&hi != 0 || (x-0x20*lo)&^x&hi != 0 || zero(x^('"'*lo)) || zero(x^('\\'*lo)) ||
			zero(x^('<'*lo)) || zero(x^('>'*lo)) || zero(x^('&'*lo)) {
			break
		}
	}
	for i < len(s) && safeBytes[s[i]] == 1 {
		i++
	}
	return i
}

// appendString appends s as a JSON string exactly as encoding/json.Marshal
// writes it: HTML-safe (<, > and & escaped), U+2028 and U+2029 escaped,
// invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	// The common case, nothing to escape, is one scan and one copy.
	i := safePrefix(s)
	b = append(b, '"')
	if i == len(s) {
		b = append(b, s...)
		return append(b, '"')
	}
	start := 0
	for i < len(s) {
		c := s[i]
		if safeBytes[c] == 1 {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

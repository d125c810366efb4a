package valid

import (
	"bytes"
	"strconv"
	"strings"

	"anju/server/problem"
)

// Cents is a non-negative amount with at most two decimals, kept exactly as an
// integer number of hundredths: yuan in fen, square metres in 0.01 m². It reads
// a JSON number (or a numeric string) without going through float arithmetic.
type Cents int64

// UnmarshalJSON parses 12, 12.5 or 12.34 (and "12.34") exactly.
func (c *Cents) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	v, ok := parseCents(s)
	if !ok {
		return problem.Invalid("invalid_amount", "%s is not an amount: use a number that is not negative, with at most two decimals, e.g. 1280000 or 86.45.", string(b))
	}
	*c = Cents(v)
	return nil
}

// MarshalJSON writes the amount as a JSON number with up to two decimals.
func (c Cents) MarshalJSON() ([]byte, error) {
	return []byte(c.String()), nil
}

// String formats 1234 as 12.34 and 1200 as 12.
func (c Cents) String() string {
	whole, frac := int64(c)/100, int64(c)%100
	if frac == 0 {
		return strconv.FormatInt(whole, 10)
	}
	s := strconv.FormatInt(whole, 10) + "." + strconv.FormatInt(100+frac, 10)[1:]
	return strings.TrimSuffix(s, "0")
}

// ParseCents reads "12", "12.5" or "12.34" exactly.
func ParseCents(s string) (Cents, bool) {
	v, ok := parseCents(s)
	return Cents(v), ok
}

func parseCents(s string) (int64, bool) {
	if s == "" || s == "null" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, false
	}
	f := int64(0)
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	return w*100 + f, true
}

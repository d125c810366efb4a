package valid

import (
	"encoding/json"
	"testing"
)

func TestCentsParseExactly(t *testing.T) {
	cases := map[string]int64{`0`: 0, `12`: 1200, `12.5`: 1250, `12.34`: 1234, `"86.45"`: 8645, `1280000`: 128000000, `0.01`: 1, `100000.5`: 10000050}
	for in, want := range cases {
		var c Cents
		if err := json.Unmarshal([]byte(in), &c); err != nil || int64(c) != want {
			t.Errorf("%s: got %d, %v; want %d", in, c, err, want)
		}
	}
	for _, bad := range []string{`-1`, `1.234`, `1e5`, `"abc"`, `""`, `1.`, `.5`, `true`, `99999999999999.99`} {
		var c Cents
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("%s: accepted as %d", bad, c)
		}
	}
}

func TestCentsFormat(t *testing.T) {
	for v, want := range map[Cents]string{0: "0", 1200: "12", 1250: "12.5", 1234: "12.34", 1: "0.01", 10: "0.1"} {
		if got := v.String(); got != want {
			t.Errorf("%d: %q, want %q", v, got, want)
		}
		var back Cents
		if err := json.Unmarshal([]byte(v.String()), &back); err != nil || back != v {
			t.Errorf("%d does not round-trip: %d %v", v, back, err)
		}
	}
}

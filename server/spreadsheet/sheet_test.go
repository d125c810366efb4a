package spreadsheet

import (
	"testing"
	"time"
)

func TestTextEscapesWhatASpreadsheetWouldEvaluate(t *testing.T) {
	cases := map[string]string{
		"=HYPERLINK(\"http://x\",\"点我\")": "'=HYPERLINK(\"http://x\",\"点我\")",
		"+1+1":                            "'+1+1",
		"-2+3":                            "'-2+3",
		"@SUM(1)":                         "'@SUM(1)",
		"\t=1":                            "'\t=1",
		"\r=1":                            "'\r=1",
		"1号楼":                             "1号楼",
		"王**":                             "王**",
		"":                                "",
		"a=b":                             "a=b",
		"'quoted":                         "'quoted",
	}
	for in, want := range cases {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRowLeavesNumbersAndDatesAlone(t *testing.T) {
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	name := "=cmd"
	var none *string
	got := Row([]any{"=1+1", -3, -2.5, day, nil, &name, none, "二单元"})
	want := []any{"'=1+1", -3, -2.5, day, nil, "'=cmd", nil, "二单元"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %d = %#v, want %#v", i, got[i], want[i])
		}
	}
}

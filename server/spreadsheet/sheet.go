// Package spreadsheet makes text safe to put in the spreadsheets Anju hands out (the
// consent roll, the monthly report). Names, rooms and entrances come from
// people and from imported sheets; a cell that starts with = + - @ (or a tab or
// carriage return) can be taken for a formula once someone edits the cell or
// saves the workbook as CSV and opens it again ("CSV injection"). As OWASP
// recommends, such text is prefixed with a single quote, so it stays text.
package spreadsheet

import "strings"

// Text returns s, prefixed with ' when a spreadsheet could read it as a formula.
func Text(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Row returns the values with every string made safe; numbers, dates and
// other values are left as they are (a negative number stays a number).
func Row(values []any) []any {
	out := make([]any, len(values))
	for i, v := range values {
		switch t := v.(type) {
		case string:
			out[i] = Text(t)
		case *string:
			if t != nil {
				out[i] = Text(*t)
			}
		default:
			out[i] = v
		}
	}
	return out
}

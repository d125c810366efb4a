package registry

import "strings"

// MaskName keeps a name's first character: 张三 → 张*, 欧阳娜娜 → 欧***, 李 → 李*.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) == 0 {
		return ""
	}
	return string(r[0]) + strings.Repeat("*", max(len(r)-1, 1))
}

// MaskPhone keeps the first three and last four digits: 13812341234 → 138****1234.
func MaskPhone(phone string) string {
	var digits []rune
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			digits = append(digits, r)
		}
	}
	n := len(digits)
	switch {
	case n == 0:
		return ""
	case n <= 7:
		return strings.Repeat("*", n-2) + string(digits[n-2:])
	default:
		return string(digits[:3]) + strings.Repeat("*", n-7) + string(digits[n-4:])
	}
}

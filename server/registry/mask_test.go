package registry

import "testing"

func TestMasking(t *testing.T) {
	for in, want := range map[string]string{"张三": "张*", "欧阳娜娜": "欧***", "李": "李*", "": "", " 王建国 ": "王**"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"13812341234": "138****1234", "138-1234-1234": "138****1234", "": "", "12345": "***45"} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalisation(t *testing.T) {
	for in, want := range map[string]string{"１０１": "101", " 1 01 ": "101", "b101": "B101", "301室": "301", "１２号": "12", "室": "室"} {
		if got := NormalizeRoom(in); got != want {
			t.Errorf("NormalizeRoom(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"abcd-efgh": "ABCDEFGH", "ABCD EFGH": "ABCDEFGH", "ＡＢＣＤ２３４５": "ABCD2345"} {
		if got := NormalizeCode(in); got != want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodesUseTheUnambiguousAlphabet(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLength {
			t.Fatalf("code %q has %d characters", c, len(c))
		}
		for _, r := range c {
			if r == '0' || r == 'O' || r == '1' || r == 'I' || r == 'L' {
				t.Fatalf("code %q holds an ambiguous character", c)
			}
		}
		if seen[c] {
			t.Fatalf("code %q repeated within 2000", c)
		}
		seen[c] = true
	}
}

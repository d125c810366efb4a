package votelog

import (
	"bytes"
	"crypto/sha256"
	"fmt"
)

// Stored is a leaf as a database or an audit bundle holds it: its bytes and
// the hash recorded beside them.
type Stored struct {
	Leaf     []byte
	LeafHash []byte
}

// Current returns each household's newest vote among a plan's leaves (its
// highest revision). A leaf whose bytes do not hash to its recorded hash, or
// that is not a canonical ballot leaf of the plan, is left out and reported:
// the count never silently takes a leaf the log does not vouch for.
func Current(planID int64, leaves []Stored) (map[int64]*Vote, []error) {
	out := make(map[int64]*Vote)
	var problems []error
	for i, s := range leaves {
		h := sha256.Sum256(append([]byte{0}, s.Leaf...))
		if !bytes.Equal(h[:], s.LeafHash) {
			problems = append(problems, fmt.Errorf("leaf %d of the plan's log does not hash to its recorded hash", i))
			continue
		}
		v, err := Decode(s.Leaf)
		if err != nil || v.PlanID != planID {
			problems = append(problems, fmt.Errorf("leaf %d of the plan's log is not a ballot of plan %d", i, planID))
			continue
		}
		if prev := out[v.HouseholdID]; prev == nil || v.Revision > prev.Revision {
			out[v.HouseholdID] = v
		}
	}
	return out, problems
}

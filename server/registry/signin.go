package registry

import (
	"context"
	"errors"
	"strings"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/valid"
)

// HouseholdLogin is what a resident types after scanning the building's QR code.
type HouseholdLogin struct {
	BuildingToken string `json:"building_token"`
	Room          string `json:"room"`
	Code          string `json:"code"`
	// Entrance narrows the room when a building repeats room numbers per entrance.
	Entrance string `json:"entrance,omitempty"`
}

// SignedInHousehold is who signed in.
type SignedInHousehold struct {
	ID         int64  `json:"id"`
	Room       string `json:"room"`
	Entrance   string `json:"entrance"`
	BuildingID int64  `json:"building_id"`
}

var errBadCode = problem.Unauthorized("invalid_credentials", "The room or the household code is wrong. Check the slip from your community committee and try again.")

// maxRounds bounds the hashes one sign-in evaluates: the households found for
// a room, at most this many (a room number repeated in ten entrances).
const maxRounds = 10

// SignIn checks a room and household code from the client address from.
//
// The attempt is counted against the room's limits (see GuessLimits) before
// the code is hashed, in one conditional write, so a burst of parallel
// guesses gets no more evaluations than the same guesses one by one; a
// correct code gives its attempt back. An unknown room takes the same path
// as a wrong code: the same queries, the same counters written, the same
// number of hashes with the same parameters, the same answer.
func (s *Service) SignIn(ctx context.Context, in HouseholdLogin, from string) (*SignedInHousehold, int, error) {
	room, code, err := in.normalise()
	if err != nil {
		return nil, 0, err
	}
	b, err := s.ResolveToken(ctx, in.BuildingToken)
	if err != nil {
		return nil, 0, err
	}
	candidates, rounds, err := s.candidates(ctx, b.ID, room, in.Entrance)
	if err != nil {
		return nil, 0, err
	}
	hashes := make([]string, len(candidates))
	for i, h := range candidates {
		hashes[i] = h.CodeHash
	}
	match, err := s.guess(ctx, b.ID, room, SourceOf(from), code, hashes, rounds)
	if err != nil {
		return nil, 0, err
	}
	if match < 0 {
		return nil, 0, errBadCode
	}
	h := candidates[match]
	return &SignedInHousehold{ID: h.ID, Room: h.Room, Entrance: h.Entrance, BuildingID: h.BuildingID}, h.CodeVersion, nil
}

// normalise checks the typed room and code and returns them as compared. A
// code that cannot be one (wrong length, a character no code has) is refused
// before anything is counted or hashed: it tells nothing about the room.
func (in *HouseholdLogin) normalise() (room, code string, err error) {
	if room, err = valid.Text("room", in.Room, true, 20); err != nil {
		return "", "", err
	}
	if in.Entrance, err = valid.Text("entrance", in.Entrance, false, 20); err != nil {
		return "", "", err
	}
	if code, err = typedCode("code", in.Code); err != nil {
		return "", "", err
	}
	return NormalizeRoom(room), code, nil
}

// typedCode checks and normalises a household code as typed in field.
func typedCode(field, typed string) (string, error) {
	if typed == "" {
		return "", problem.Field(field, "is required: the %d-character code on your household slip", CodeLength)
	}
	code := NormalizeCode(typed)
	if len(code) != CodeLength || strings.Trim(code, CodeAlphabet) != "" {
		return "", problem.Field(field, "must be the %d characters on your household slip: letters and digits, never 0, 1, I, L or O", CodeLength)
	}
	return code, nil
}

var errWrongConfirmCode = problem.Unprocessable("wrong_household_code",
	"This is not your household's code, so the vote was not recorded. Check the slip from your community committee and type its 8 characters again, or sign with your finger instead.").
	With("field", "household_code")

// ConfirmCode checks the household code typed by a signed-in household to
// confirm a vote without drawing a signature (issue 11). It counts against
// the room's guess limits exactly like a sign-in from the same address, so a
// phone left signed in is no way around them; a correct code gives its
// attempt back. The code is never stored.
func (s *Service) ConfirmCode(ctx context.Context, householdID int64, typed, from string) error {
	code, err := typedCode("household_code", typed)
	if err != nil {
		return err
	}
	var hs []Household
	if err := s.db.WithContext(ctx).Where("id = ?", householdID).Limit(1).Find(&hs).Error; err != nil {
		return err
	}
	if len(hs) == 0 {
		return problem.Unauthorized("session_expired", "Your sign-in is no longer valid (the household is not on the roll); please sign in again.")
	}
	h := hs[0]
	match, err := s.guess(ctx, h.BuildingID, NormalizeRoom(h.Room), SourceOf(from), code, []string{h.CodeHash}, 1)
	if err != nil {
		return err
	}
	if match < 0 {
		return errWrongConfirmCode
	}
	return nil
}

// guess checks a typed code against hashes as one guess for room of a
// building from source: counted against the room's limits before any hash
// is evaluated (429 when they are used up), given back when the code is
// right or was never evaluated (the server was busy). It returns the index
// of the matching hash, or -1.
func (s *Service) guess(ctx context.Context, buildingID int64, room, source, code string, hashes []string, rounds int) (int, error) {
	if err := s.reserve(ctx, buildingID, room, source); err != nil {
		return -1, err
	}
	match, err := s.hasher.Check(ctx, code, hashes, rounds, auth.CodeParams)
	if err != nil {
		// Not evaluated: the guess does not count.
		return -1, errors.Join(err, s.refund(context.WithoutCancel(ctx), buildingID, room, source))
	}
	if match < 0 {
		return -1, nil
	}
	// A correct code is no wrong guess, even if the client has gone meanwhile.
	return match, s.refund(context.WithoutCancel(ctx), buildingID, room, source)
}

// candidates are the households a room names and the number of hashes every
// sign-in in this building evaluates: as many as the room number that repeats
// most often (1 when the entrance is given), so that a room that exists,
// one that does not and one that repeats all cost the same.
func (s *Service) candidates(ctx context.Context, buildingID int64, room, entrance string) ([]Household, int, error) {
	q := s.db.WithContext(ctx).Where("building_id = ? AND room = ?", buildingID, room)
	if entrance != "" {
		q = q.Where("entrance = ?", entrance)
	}
	var hs []Household
	if err := q.Order("id").Limit(maxRounds).Find(&hs).Error; err != nil {
		return nil, 0, err
	}
	rounds := 1
	if entrance == "" {
		var most []int
		if err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) AS n FROM households WHERE building_id = ?
			GROUP BY room ORDER BY n DESC LIMIT 1`, buildingID).Scan(&most).Error; err != nil {
			return nil, 0, err
		}
		if len(most) == 1 {
			rounds = most[0]
		}
	}
	return hs, min(max(rounds, len(hs), 1), maxRounds), nil
}

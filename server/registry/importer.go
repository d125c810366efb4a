package registry

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/width"

	"anju/server/auth"
	"anju/server/problem"
	"anju/server/valid"
)

// Import limits.
const (
	MaxImportBytes = 5 << 20
	MaxImportRows  = 5000
)

// RowError says what is wrong with one row of an imported sheet (row numbers
// as the spreadsheet shows them, the header being row 1).
type RowError struct {
	Row     int    `json:"row"`
	Message string `json:"message"`
}

// ImportResult is what an import did.
type ImportResult struct {
	Created    int          `json:"created"`
	Errors     []RowError   `json:"errors"`
	Households []IssuedCode `json:"households"`
}

// ImportRejected carries the row-by-row report of a sheet that was not imported.
type ImportRejected struct {
	Problem *problem.Error
	Errors  []RowError
}

func (e *ImportRejected) Error() string { return e.Problem.Error() }

// columns maps a header, as committees write it, to a field.
var columns = map[string]string{
	"楼栋": "building", "楼号": "building", "楼": "building", "building": "building",
	"单元": "entrance", "单元号": "entrance", "entrance": "entrance",
	"楼层": "floor", "层": "floor", "层数": "floor", "floor": "floor",
	"房号": "room", "房间号": "room", "户号": "room", "门牌号": "room", "室": "room", "room": "room",
	"面积": "area", "建筑面积": "area", "产权面积": "area", "面积(m²)": "area", "面积(㎡)": "area", "面积（㎡）": "area",
	"面积（m²）": "area", "area": "area", "area_m2": "area",
	"业主": "owner", "业主姓名": "owner", "姓名": "owner", "户主": "owner", "owner": "owner", "owner_name": "owner",
	"电话": "phone", "手机": "phone", "联系电话": "phone", "手机号": "phone", "phone": "phone", "owner_phone": "phone",
	"产权人组": "group", "owner_group": "group",
}

// ImportHouseholds reads a committee's spreadsheet (.xlsx, or .csv in UTF-8 or
// GB18030) and registers every row in one transaction, or none: any bad row
// rejects the whole file with a report of every bad row.
func (s *Service) ImportHouseholds(ctx context.Context, by *auth.Staff, buildingID int64, data []byte) (*ImportResult, error) {
	b, _, err := s.building(ctx, by, buildingID)
	if err != nil {
		return nil, err
	}
	rows, err := readSheet(data)
	if err != nil {
		return nil, err
	}
	var existing []Household
	if err := s.db.WithContext(ctx).Select("entrance, room").Where("building_id = ?", buildingID).Find(&existing).Error; err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, h := range existing {
		taken[h.Entrance+"\x00"+h.Room] = true
	}
	ins, rowErrs := parseRows(rows, b.Name, taken)
	if len(rowErrs) > 0 {
		return nil, &ImportRejected{Problem: problem.Unprocessable("import_rejected",
			"%d row(s) of the sheet have problems; nothing was imported. Correct them and import the whole sheet again.", len(rowErrs)),
			Errors: rowErrs}
	}
	created, err := s.CreateHouseholds(ctx, by, buildingID, ins)
	if err != nil {
		return nil, err
	}
	return &ImportResult{Created: len(created), Errors: []RowError{}, Households: created}, nil
}

var errNotASheet = problem.Invalid("not_a_spreadsheet", "The file is neither an .xlsx workbook nor a .csv text file. Save the sheet as .xlsx (or CSV) and upload it again.")

// readSheet returns the first worksheet's rows, header first.
func readSheet(data []byte) ([][]string, error) {
	if len(data) == 0 {
		return nil, problem.Invalid("empty_file", "The file is empty.")
	}
	if len(data) > MaxImportBytes {
		return nil, problem.TooLarge("file_too_large", "The file is larger than 5 MiB; split it by building.")
	}
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, errNotASheet
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, errNotASheet
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, errNotASheet
		}
		return rows, nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, errNotASheet
	}
	text := bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(text) {
		decoded, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
		if err != nil {
			return nil, errNotASheet
		}
		text = decoded
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, problem.Invalid("not_a_spreadsheet", "The CSV file is malformed at line %d: %v.", pe.Line, pe.Err)
			}
			return nil, errNotASheet
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

func headerKey(h string) string {
	h = strings.ToLower(strings.Join(strings.Fields(width.Narrow.String(h)), ""))
	if f, ok := columns[h]; ok {
		return f
	}
	if strings.Contains(h, "面积") {
		return "area"
	}
	return ""
}

// parseRows checks every row and turns the good ones into households.
func parseRows(rows [][]string, buildingName string, taken map[string]bool) ([]NewHousehold, []RowError) {
	if len(rows) == 0 {
		return nil, []RowError{{Row: 1, Message: "the sheet is empty: the first row must name the columns (房号, 楼层, 面积 …)"}}
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		if k := headerKey(h); k != "" {
			if _, dup := col[k]; !dup {
				col[k] = i
			}
		}
	}
	var missing []string
	for _, need := range []struct{ key, name string }{{"room", "房号 (room)"}, {"floor", "楼层 (floor)"}, {"area", "面积 (area)"}} {
		if _, ok := col[need.key]; !ok {
			missing = append(missing, need.name)
		}
	}
	if len(missing) > 0 {
		return nil, []RowError{{Row: 1, Message: "the header row lacks the column(s) " + strings.Join(missing, ", ")}}
	}
	cell := func(r []string, key string) string {
		i, ok := col[key]
		if !ok || i >= len(r) {
			return ""
		}
		return strings.TrimSpace(r[i])
	}
	var out []NewHousehold
	var errs []RowError
	seen := map[string]int{}
	for n, r := range rows[1:] {
		rowNo := n + 2
		if blankRow(r) {
			continue
		}
		if len(out)+len(errs) >= MaxImportRows {
			errs = append(errs, RowError{Row: rowNo, Message: fmt.Sprintf("the sheet has more than %d rows; split it", MaxImportRows)})
			break
		}
		if bld := cell(r, "building"); bld != "" && NormalizeRoom(bld) != NormalizeRoom(buildingName) {
			errs = append(errs, RowError{Row: rowNo, Message: fmt.Sprintf("楼栋 %q is not this building (%s); import each building's rows into that building", bld, buildingName)})
			continue
		}
		floor, ferr := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(width.Narrow.String(cell(r, "floor")), "层"), "楼"))
		if ferr != nil {
			errs = append(errs, RowError{Row: rowNo, Message: fmt.Sprintf("楼层 %q is not a whole number", cell(r, "floor"))})
			continue
		}
		areaText := strings.NewReplacer("㎡", "", "m²", "", "m2", "", "平方米", "", "平米", "", " ", "").Replace(width.Narrow.String(cell(r, "area")))
		area, ok := valid.ParseCents(areaText)
		if !ok {
			errs = append(errs, RowError{Row: rowNo, Message: fmt.Sprintf("面积 %q is not an area in m² with at most two decimals", cell(r, "area"))})
			continue
		}
		h := NewHousehold{Room: cell(r, "room"), Entrance: cell(r, "entrance"), Floor: floor, AreaM2: area,
			OwnerName: cell(r, "owner"), OwnerPhone: cell(r, "phone"), OwnerGroup: cell(r, "group")}
		if err := h.Validate(); err != nil {
			msg := err.Error()
			if p, ok := problem.As(err); ok {
				msg = p.Message
			}
			errs = append(errs, RowError{Row: rowNo, Message: msg})
			continue
		}
		key := h.Entrance + "\x00" + h.Room
		if first, dup := seen[key]; dup {
			errs = append(errs, RowError{Row: rowNo, Message: fmt.Sprintf("room %s (entrance %q) is also on row %d", h.Room, h.Entrance, first)})
			continue
		}
		seen[key] = rowNo
		if taken[key] {
			errs = append(errs, RowError{Row: rowNo, Message: fmt.Sprintf("room %s (entrance %q) is already registered in this building", h.Room, h.Entrance)})
			continue
		}
		out = append(out, h)
	}
	if len(out) == 0 && len(errs) == 0 {
		errs = append(errs, RowError{Row: 2, Message: "the sheet has a header but no households"})
	}
	return out, errs
}

func blankRow(r []string) bool {
	for _, c := range r {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

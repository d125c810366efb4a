package feedback

import (
	"time"
)

// Warranty kinds and their periods (建设工程质量管理条例 art. 40), counted from
// the acceptance date.
const (
	WarrantyLeak         = "leak"         // roofs, wet rooms, outer walls: 5 years
	WarrantyInstallation = "installation" // electrical, plumbing, equipment, decoration: 2 years
	WarrantyHeating      = "heating"      // heating: 2 heating seasons
)

// WarrantyKinds lists the kinds with their labels.
var WarrantyKinds = []Label{
	{WarrantyLeak, "防水（屋面、卫生间、外墙渗漏）5年", "Leaks (roof, wet rooms, outer walls): 5 years"},
	{WarrantyInstallation, "电气管线、给排水、设备安装和装修 2年", "Electrical, plumbing, equipment and decoration: 2 years"},
	{WarrantyHeating, "供热系统 2个采暖期", "Heating: 2 heating seasons"},
}

// Heating seasons run from 15 November to 15 March.
const (
	heatingStartMonth, heatingStartDay = time.November, 15
	heatingEndMonth, heatingEndDay     = time.March, 15
)

// DefaultWarrantyKind is the kind a catalogue item's defects fall under when the
// household does not say: roofs, outer walls and downpipes leak; heating is
// heating; everything else is installation work.
func DefaultWarrantyKind(catalogCode string) string {
	switch catalogCode {
	case "01", "02", "15":
		return WarrantyLeak
	case "24":
		return WarrantyHeating
	default:
		return WarrantyInstallation
	}
}

// WarrantyEnds is the last day (a date, midnight UTC) covered by the warranty
// of a kind for work accepted on acceptedOn. Heating counts two whole heating
// seasons, the first being the first to start on or after acceptance.
func WarrantyEnds(kind string, acceptedOn time.Time) time.Time {
	d := time.Date(acceptedOn.Year(), acceptedOn.Month(), acceptedOn.Day(), 0, 0, 0, 0, time.UTC)
	switch kind {
	case WarrantyLeak:
		return d.AddDate(5, 0, 0).AddDate(0, 0, -1)
	case WarrantyHeating:
		first := time.Date(d.Year(), heatingStartMonth, heatingStartDay, 0, 0, 0, 0, time.UTC)
		if d.After(first) {
			first = first.AddDate(1, 0, 0)
		}
		return time.Date(first.Year()+2, heatingEndMonth, heatingEndDay, 0, 0, 0, 0, time.UTC)
	default:
		return d.AddDate(2, 0, 0).AddDate(0, 0, -1)
	}
}

// WithinWarranty tells whether a defect reported at now is still covered.
func WithinWarranty(kind string, acceptedOn, now time.Time) bool {
	ends := WarrantyEnds(kind, acceptedOn)
	today := now.In(China)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	return !day.After(ends)
}

package httpx

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Access says who may call a route. The router applies the matching guard, so
// what the route table documents is what is enforced.
type Access string

const (
	Public    Access = "public"    // anyone
	Staff     Access = "staff"     // any signed-in staff user (scope checked by the handler)
	City      Access = "city"      // the city office only
	Manager   Access = "manager"   // city or district staff
	Household Access = "household" // a signed-in household
	// HouseholdClaim is a household's valid token whose household the
	// handler reads and confirms itself, in its first statement (the vote).
	HouseholdClaim Access = "household-claim"
)

// ForHouseholds tells whether the route is called by a household.
func (a Access) ForHouseholds() bool { return a == Household || a == HouseholdClaim }

// Route is one entry of a package's route table.
type Route struct {
	Method  string
	Path    string // Echo syntax, e.g. /projects/:id/consent
	Access  Access
	Summary string
	Tag     string
	// Request and Response are zero values of the JSON body types, for the
	// OpenAPI document; nil when there is none. Produces overrides the response
	// media type (e.g. image/png).
	Request  any
	Response any
	Produces string
	Status   int // success status; 200 when zero
	// Also lists the other success statuses answered with the same body, and
	// when (e.g. 202 while a result is pending, 200 for a replay).
	Also map[int]string
	// Errors lists the error statuses answered with more than the error
	// envelope: status → a zero value of that body.
	Errors map[int]any
	// Params documents query parameters: name → description.
	Params map[string]string
	// Form documents a multipart/form-data body: field → description; fields
	// whose description starts with "file:" are files.
	Form    map[string]string
	Handler echo.HandlerFunc
	Extra   []echo.MiddlewareFunc
}

// Router registers routes on an Echo group and remembers them for the OpenAPI
// document.
type Router struct {
	group  *echo.Group
	prefix string
	guards map[Access]echo.MiddlewareFunc
	routes []Route
}

// NewRouter returns a router on group (mounted at prefix) with a guard per access level.
func NewRouter(group *echo.Group, prefix string, guards map[Access]echo.MiddlewareFunc) *Router {
	return &Router{group: group, prefix: prefix, guards: guards}
}

// Add registers routes.
func (r *Router) Add(routes ...Route) {
	for _, rt := range routes {
		if rt.Status == 0 {
			rt.Status = http.StatusOK
		}
		var mws []echo.MiddlewareFunc
		if rt.Access != Public {
			g, ok := r.guards[rt.Access]
			if !ok {
				panic(fmt.Sprintf("route %s %s: no guard for access %q", rt.Method, rt.Path, rt.Access))
			}
			mws = append(mws, g)
		}
		mws = append(mws, rt.Extra...)
		r.group.Add(rt.Method, rt.Path, rt.Handler, mws...)
		rt.Path = r.prefix + rt.Path
		r.routes = append(r.routes, rt)
	}
}

// Routes lists everything registered, in order.
func (r *Router) Routes() []Route { return append([]Route(nil), r.routes...) }

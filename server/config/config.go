// Package config loads Anju's settings: documented defaults in configs/anju.yaml,
// overridden by ANJU_* environment variables, validated once at start.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is every setting the server reads.
type Config struct {
	HTTPAddr           string        `yaml:"http_addr"`
	PublicURL          string        `yaml:"public_url"`
	DatabaseURL        string        `yaml:"database_url"`
	FilesDir           string        `yaml:"files_dir"` // only read at start: imports the uploads earlier releases kept there
	JWTSecret          string        `yaml:"jwt_secret"`
	LogSigningKey      string        `yaml:"log_signing_key"`
	Witnesses          []string      `yaml:"witnesses"`
	StaffTokenTTL      time.Duration `yaml:"staff_token_ttl"`
	HouseholdTokenTTL  time.Duration `yaml:"household_token_ttl"`
	TrustedProxies     []string      `yaml:"trusted_proxies"`
	LoginRatePerMinute int           `yaml:"login_rate_per_minute"`
	SignIn             SignIn        `yaml:"signin"`
	HashMemoryMiB      int           `yaml:"hash_memory_mib"`
	LogLevel           string        `yaml:"log_level"`
	Complaints         Complaints    `yaml:"complaints"`
}

// Complaints are the service times of complaint handling (DESIGN rule 10).
type Complaints struct {
	// AckWorkingDays: a new or reopened complaint must be acknowledged
	// (assigned, resolved or rejected) within this many working days.
	AckWorkingDays int `yaml:"ack_working_days"`
	// ResolveWorkingDays: an assigned complaint must be resolved within this
	// many working days of the assignment.
	ResolveWorkingDays int `yaml:"resolve_working_days"`
	// CityEscalationWorkingDays: an overdue complaint goes to the district at
	// once and to the city this many working days later.
	CityEscalationWorkingDays int `yaml:"city_escalation_working_days"`
	// AutoCloseDays: a resolved complaint the household neither confirms nor
	// reopens closes itself after this many calendar days.
	AutoCloseDays int `yaml:"auto_close_days"`
	// RatingEditDays: a household may change its rating this many days after
	// the first one.
	RatingEditDays int `yaml:"rating_edit_days"`
	// Holidays are public holidays (YYYY-MM-DD) that are not working days;
	// Workdays are weekend days that are (调休 make-up days).
	Holidays []string `yaml:"holidays"`
	Workdays []string `yaml:"workdays"`
}

// Defaults are the values used when neither the file nor the environment sets one.
// They match configs/anju.yaml.
func Defaults() Config {
	return Config{
		HTTPAddr:           "127.0.0.1:8080",
		DatabaseURL:        "data/anju.db",
		FilesDir:           "data/files",
		StaffTokenTTL:      12 * time.Hour,
		HouseholdTokenTTL:  30 * 24 * time.Hour,
		LoginRatePerMinute: 30,
		SignIn:             defaultSignIn(),
		LogLevel:           "info",
		Complaints: Complaints{AckWorkingDays: 1, ResolveWorkingDays: 5, CityEscalationWorkingDays: 3,
			AutoCloseDays: 7, RatingEditDays: 30},
	}
}

// Load reads the YAML file at path (skipped when path is empty, or when it is the
// default path and does not exist), applies the environment and validates.
func Load(path string, pathIsDefault bool, env func(string) (string, bool)) (Config, error) {
	cfg := Defaults()
	var raw []byte
	if path != "" {
		var err error
		raw, err = os.ReadFile(path)
		switch {
		case err == nil:
			if err := yaml.Unmarshal(raw, &cfg); err != nil {
				return cfg, fmt.Errorf("config file %s: %w", path, err)
			}
		case errors.Is(err, os.ErrNotExist) && pathIsDefault:
			raw = nil
		default:
			return cfg, fmt.Errorf("config file: %w", err)
		}
	}
	if err := refuseRetired(raw, env); err != nil {
		return cfg, err
	}
	if err := applyEnv(&cfg, env); err != nil {
		return cfg, err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = derivePublicURL(cfg.HTTPAddr)
	}
	return cfg, cfg.Validate()
}

func applyEnv(cfg *Config, env func(string) (string, bool)) error {
	str := func(name string, dst *string) {
		if v, ok := env(name); ok {
			*dst = strings.TrimSpace(v)
		}
	}
	dur := func(name string, dst *time.Duration) error {
		if v, ok := env(name); ok {
			d, err := time.ParseDuration(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%s=%q is not a duration such as 15m or 12h", name, v)
			}
			*dst = d
		}
		return nil
	}
	num := func(name string, dst *int) error {
		if v, ok := env(name); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return fmt.Errorf("%s=%q is not a whole number", name, v)
			}
			*dst = n
		}
		return nil
	}
	str("ANJU_HTTP_ADDR", &cfg.HTTPAddr)
	str("ANJU_PUBLIC_URL", &cfg.PublicURL)
	str("ANJU_DATABASE_URL", &cfg.DatabaseURL)
	str("ANJU_FILES_DIR", &cfg.FilesDir)
	str("ANJU_JWT_SECRET", &cfg.JWTSecret)
	str("ANJU_LOG_SIGNING_KEY", &cfg.LogSigningKey)
	str("ANJU_LOG_LEVEL", &cfg.LogLevel)
	list := func(name string, dst *[]string) {
		if v, ok := env(name); ok {
			*dst = nil
			for _, p := range strings.Split(v, ",") {
				if p = strings.TrimSpace(p); p != "" {
					*dst = append(*dst, p)
				}
			}
		}
	}
	list("ANJU_TRUSTED_PROXIES", &cfg.TrustedProxies)
	list("ANJU_WITNESSES", &cfg.Witnesses)
	for _, f := range []func() error{
		func() error { return dur("ANJU_STAFF_TOKEN_TTL", &cfg.StaffTokenTTL) },
		func() error { return dur("ANJU_HOUSEHOLD_TOKEN_TTL", &cfg.HouseholdTokenTTL) },
		func() error { return num("ANJU_LOGIN_RATE_PER_MINUTE", &cfg.LoginRatePerMinute) },
		func() error { return num("ANJU_HASH_MEMORY_MIB", &cfg.HashMemoryMiB) },
		func() error { return cfg.SignIn.applyEnv(env) },
		func() error { return num("ANJU_COMPLAINT_ACK_WORKING_DAYS", &cfg.Complaints.AckWorkingDays) },
		func() error { return num("ANJU_COMPLAINT_RESOLVE_WORKING_DAYS", &cfg.Complaints.ResolveWorkingDays) },
		func() error {
			return num("ANJU_COMPLAINT_CITY_ESCALATION_WORKING_DAYS", &cfg.Complaints.CityEscalationWorkingDays)
		},
		func() error { return num("ANJU_COMPLAINT_AUTO_CLOSE_DAYS", &cfg.Complaints.AutoCloseDays) },
		func() error { return num("ANJU_RATING_EDIT_DAYS", &cfg.Complaints.RatingEditDays) },
	} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// Validate reports the first setting that cannot work, in words an operator can act on.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return fmt.Errorf("http_addr %q must be host:port, e.g. 127.0.0.1:8080", c.HTTPAddr)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("public_url %q must be an http(s) address such as https://anju.example.cn", c.PublicURL)
	}
	if c.DatabaseURL == "" {
		return errors.New("database_url is empty: give a SQLite file path or a postgres:// URL")
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		return errors.New("jwt_secret must be at least 32 characters (or empty to generate one)")
	}
	if c.StaffTokenTTL < time.Minute || c.HouseholdTokenTTL < time.Minute {
		return errors.New("token lifetimes must be at least 1m")
	}
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil {
			return fmt.Errorf("trusted proxy %q is not a CIDR range such as 10.0.0.0/8", p)
		}
	}
	if c.LoginRatePerMinute < 1 {
		return errors.New("login_rate_per_minute must be at least 1")
	}
	if err := c.SignIn.validate(); err != nil {
		return err
	}
	if err := validateHashMemory(c.HashMemoryMiB); err != nil {
		return err
	}
	if err := c.Complaints.validate(); err != nil {
		return err
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level %q must be debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// derivePublicURL is the address residents reach when none is configured: the
// listening address, with a wildcard host read as this machine.
func derivePublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// IsPostgres tells whether DatabaseURL names a PostgreSQL server.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// BoardURL is the link of a community's public notice board.
func (c Config) BoardURL(communityToken string) string {
	return strings.TrimRight(c.PublicURL, "/") + "/c/" + communityToken
}

// PublicHost is the host (and port) residents reach: the first part of every
// log's origin and the name of the key that signs its checkpoints.
func (c Config) PublicHost() string {
	u, err := url.Parse(c.PublicURL)
	if err != nil || u.Host == "" {
		return "anju"
	}
	return u.Host
}

// ResidentURL is the link a building's QR code encodes.
func (c Config) ResidentURL(buildingToken string) string {
	return strings.TrimRight(c.PublicURL, "/") + "/b/" + buildingToken
}

func (c Complaints) validate() error {
	for _, v := range []struct {
		name string
		n    int
	}{{"ack_working_days", c.AckWorkingDays}, {"resolve_working_days", c.ResolveWorkingDays},
		{"city_escalation_working_days", c.CityEscalationWorkingDays}, {"auto_close_days", c.AutoCloseDays},
		{"rating_edit_days", c.RatingEditDays}} {
		if v.n < 1 || v.n > 365 {
			return fmt.Errorf("complaints.%s must be between 1 and 365 (it is %d)", v.name, v.n)
		}
	}
	for _, d := range append(append([]string{}, c.Holidays...), c.Workdays...) {
		if _, err := time.Parse("2006-01-02", d); err != nil {
			return fmt.Errorf("complaints: %q in holidays/workdays is not a date such as 2026-10-01", d)
		}
	}
	return nil
}

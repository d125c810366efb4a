// Command anju is the residents' consent and feedback system for old residential
// community renovation (城镇老旧小区改造).
//
//	anju serve [--config FILE] [--demo]       run the server
//	anju admin create --username U --password P [--role city|district|committee] [--district-id N] [--community-id N]
//	anju admin set-password --username U --password P
//	anju admin disable --username U / anju admin enable --username U
//	anju verify --bundle FILE [--notice FILE]  recount a plan's vote from its audit bundle, offline
//	anju witness --server URL --plan N[,N…] --key-file F --state F  cosign plans' checkpoints as a witness
//	anju witness --new-key NAME               make a witness key
//	anju openapi                              print the OpenAPI document
//	anju help                                 list the commands
//
// Settings come from configs/anju.yaml (or --config) with ANJU_* environment
// overrides; see that file.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"anju/server/app"
	"anju/server/auth"
	"anju/server/config"
	"anju/server/demo"
	"anju/server/problem"
	"anju/server/recount"
	"anju/server/witness"
)

const defaultConfig = "configs/anju.yaml"

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "anju:", err)
		os.Exit(1)
	}
}

// usage lists the commands, one line each.
const usage = `anju — residents' consent and feedback for old residential community renovation (安居)

Usage: anju <command> [flags]

Commands:
  serve                 run the server (flags: --config FILE, --demo)
  admin create          create a staff account (--username, --password, --role city|district|committee, --district-id, --community-id)
  admin set-password    set a staff account's password; its sessions end (--username, --password)
  admin disable         disable a staff account; its sessions and live tallies end (--username)
  admin enable          enable a disabled staff account again (--username)
  verify                recount a closed plan's vote from its audit bundle, with no server or database
                        (--bundle FILE from GET /api/v1/plans/{id}/audit-bundle, --notice FILE: a notice to compare)
  witness               cosign plans' checkpoints as a second signer (street office, district) once the log
                        only grew since the last run (--server URL, --plan N[,N…], --key-file F, --state F,
                        --log-key VKEY to pin the server's key; --new-key NAME makes a witness key)
  openapi               print the OpenAPI document of the API
  help                  show this list

Run "anju <command> -h" for a command's flags. Settings come from configs/anju.yaml
(or --config FILE) with ANJU_* environment overrides.
`

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd := args[0]
	if cmd != "" && cmd[0] == '-' && !isHelp(cmd) {
		cmd = "serve" // flags alone: "anju --demo" still serves
	} else {
		args = args[1:]
	}
	var err error
	switch {
	case isHelp(cmd):
		fmt.Fprint(stdout, usage)
		return nil
	case cmd == "serve":
		err = serve(args, stdout, stderr)
	case cmd == "admin":
		err = admin(args, stdout, stderr)
	case cmd == "openapi":
		err = printOpenAPI(args, stdout, stderr)
	case cmd == "verify":
		err = verifyBundle(args, stdout, stderr)
	case cmd == "witness":
		err = runWitness(args, stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q: run \"anju help\" for the list", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil // the flags were printed as asked
	}
	return err
}

func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "-help" || arg == "--help"
}

func loadConfig(path string) (config.Config, error) {
	return config.Load(path, path == defaultConfig, os.LookupEnv)
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func serve(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", defaultConfig, "configuration file")
	withDemo := fs.Bool("demo", false, "load the demo dataset and print where to click")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	if limit := app.LimitMemory(cfg); limit > 0 {
		log.Info("soft memory limit", "mib", limit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if *withDemo {
		d, err := demo.Load(ctx, a)
		if err != nil {
			return fmt.Errorf("demo dataset: %w", err)
		}
		d.Print(stdout, cfg)
	}
	log.Info("anju listening", "addr", cfg.HTTPAddr, "public_url", cfg.PublicURL, "database", a.DB.Dialect(), "version", app.Version)
	return a.Serve(ctx)
}

func admin(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelp(args[0]) {
		return errors.New("admin needs a subcommand: create, set-password, disable or enable (run \"anju help\")")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("admin "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfgPath := fs.String("config", defaultConfig, "configuration file")
	username := fs.String("username", "", "staff username")
	password := fs.String("password", "", "password, at least 10 characters")
	role := fs.String("role", auth.RoleCity, "city, district or committee")
	districtID := fs.Int64("district-id", 0, "the district of a district account")
	communityID := fs.Int64("community-id", 0, "the community of a committee account")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	ctx := context.Background()
	a, err := app.New(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer a.Close()
	switch sub {
	case "create":
		u, err := a.Staffs.Create(ctx, nil, auth.NewStaff{Username: *username, Password: *password, Role: *role,
			DistrictID: *districtID, CommunityID: *communityID})
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created %s account %q (id %d)\n", u.Role, u.Username, u.ID)
		return nil
	case "set-password":
		if err := a.Staffs.SetPassword(ctx, *username, *password); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "password of %q changed; its sessions have ended\n", *username)
		return nil
	case "disable", "enable":
		if err := a.Staffs.SetDisabledByName(ctx, *username, sub == "disable"); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "account %q %sd; its sessions have ended\n", *username, sub)
		return nil
	}
	return fmt.Errorf("unknown admin subcommand %q: use create, set-password, disable or enable", sub)
}

func describe(err error) error {
	if p, ok := problem.As(err); ok {
		return errors.New(p.Message)
	}
	return err
}

func printOpenAPI(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "anju-openapi")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := config.Defaults()
	cfg.DatabaseURL = dir + "/scratch.db"
	a, err := app.New(context.Background(), cfg, newLogger(stderr, "warn"))
	if err != nil {
		return err
	}
	defer a.Close()
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(a.OpenAPI())
}

// verifyBundle checks an audit bundle offline: every signature, the tree
// rebuilt from the leaves, the recount under the project's rule, and a
// notice's figures beside it. It fails when anything does not hold.
func verifyBundle(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	bundlePath := fs.String("bundle", "", "the audit bundle (JSON from GET /api/v1/plans/{id}/audit-bundle)")
	noticePath := fs.String("notice", "", "a result notice to compare (JSON of GET /api/v1/projects/{id}/consent/notices, or one notice)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bundlePath == "" {
		return errors.New("verify needs --bundle FILE")
	}
	data, err := os.ReadFile(*bundlePath)
	if err != nil {
		return err
	}
	b, err := recount.Read(data)
	if err != nil {
		return err
	}
	var n *recount.Notice
	if *noticePath != "" {
		raw, err := os.ReadFile(*noticePath)
		if err != nil {
			return err
		}
		if n, err = recount.ReadNotice(raw); err != nil {
			return err
		}
	}
	rep, err := recount.Check(b, n)
	if err != nil {
		return err
	}
	recount.Print(stdout, b, rep, n)
	if !rep.OK() {
		return fmt.Errorf("the bundle does not verify (%d problems)", len(rep.Problems))
	}
	return nil
}

// runWitness cosigns the plans' newest checkpoints once each log is shown to
// extend the checkpoint this witness cosigned before.
func runWitness(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("witness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "the Anju server's base URL, e.g. https://anju.example.cn")
	planList := fs.String("plan", "", "the plans to witness, comma-separated ids")
	keyFile := fs.String("key-file", "", "file holding the witness's signer key (PRIVATE+KEY+…)")
	statePath := fs.String("state", "witness-state.json", "file where the witness keeps what it cosigned")
	logKey := fs.String("log-key", "", "the server's verifier key, to pin instead of trusting it on first use")
	newKey := fs.String("new-key", "", "make a witness key with this name and print it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *newKey != "" {
		skey, vkey, err := witness.NewKey(*newKey)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "signer key (keep it secret, in the --key-file):\n%s\n\nverifier key (give it to the server's operator: witnesses, ANJU_WITNESSES):\n%s\n", skey, vkey)
		return nil
	}
	if *server == "" || *planList == "" || *keyFile == "" {
		return errors.New("witness needs --server URL, --plan N[,N…] and --key-file FILE (or --new-key NAME)")
	}
	var plans []int64
	for _, p := range strings.Split(*planList, ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil || id <= 0 {
			return fmt.Errorf("--plan %q: plan ids are positive whole numbers", p)
		}
		plans = append(plans, id)
	}
	skey, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	return witness.Run(context.Background(), witness.Options{Server: *server, Plans: plans, SignerKey: strings.TrimSpace(string(skey)),
		StatePath: *statePath, LogKey: *logKey, Out: stdout})
}

// Command uaposd is the local device service of uapos: one HTTP API over every configured bank
// terminal, receipt printer and cash drawer, and a facade of Vchasno Device Manager's public
// device API, on 127.0.0.1:3939 by default.
//
//	uaposd [-config FILE] [-listen ADDR] [-token TOKEN] [-journal PATH] [-log-format text|json] [-log-level LEVEL] [-grace DURATION]
//	uaposd check-config FILE
//
// With no configuration file it starts the built-in simulators on loopback (one terminal per
// protocol, a virtual printer with a drawer) and serves them, so that the API can be tried on
// a machine with no hardware. Binding an address other than loopback needs a token (-token or
// UAPOSD_TOKEN), and every request must then carry "Authorization: Bearer TOKEN".
//
// SIGINT or SIGTERM stops it gracefully: new requests are refused, running terminal exchanges
// are waited for (up to -grace), and those still running then are aborted on the terminal by
// the protocol's own abort, journaled. A second signal aborts at once.
//
// The HTTP layer is package service; this command only reads flags and the configuration,
// wires devices (package service/wiring; default.go for the built-in simulators), logs and
// handles signals.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/uapos/uapos/journal"
	"github.com/uapos/uapos/service"
	"github.com/uapos/uapos/service/wiring"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, nil))
}

const usage = `usage:
  uaposd [flags]               serve (with no -config: the built-in simulators on loopback)
  uaposd check-config FILE     check a configuration file; errors are FILE:LINE:COL: message

flags:
`

// hooks let tests reach inside run: the built-in simulators' faults, and a call once serving
// with the bound address and the built-in simulators (nil with a configuration file).
type hooks struct {
	faults map[string][]string // simulator faults by device name
	ready  func(addr string, b *builtin)
	// statusPoll, when set, is how often the live status reads the printers.
	statusPoll time.Duration
}

// run is main with its outputs. It returns the exit code: 0 after a graceful stop, 1 on a
// failure, 2 on bad usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, h *hooks) int {
	if h == nil {
		h = &hooks{}
	}
	if len(args) > 0 && args[0] == "check-config" {
		return checkConfig(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("uaposd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	configPath := fs.String("config", "", "configuration file (YAML); none = the built-in simulators")
	listen := fs.String("listen", "", "address to serve on (default "+service.DefaultListen+", or the configuration's listen)")
	token := fs.String("token", "", "API token required as Authorization: Bearer (default $UAPOSD_TOKEN, or the configuration's token)")
	journalPath := fs.String("journal", "", "journal database file (default the configuration's journal, else "+defaultJournalPath()+"; the built-in simulators use memory)")
	logFormat := fs.String("log-format", "", "log format: text or json")
	logLevel := fs.String("log-level", "", "log level: debug, info, warn, error")
	grace := fs.Duration("grace", 330*time.Second, "on stop, how long to wait for running terminal exchanges before aborting them (a card wait takes up to 300 s)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "uaposd: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}

	var cfg *service.Config
	if *configPath != "" {
		var err error
		if cfg, err = service.LoadConfig(*configPath); err != nil {
			fmt.Fprintf(stderr, "uaposd: configuration:\n%v\n", err)
			return 1
		}
	} else {
		cfg = &service.Config{}
	}
	pick := func(flagV, env, cfgV, def string) string {
		for _, v := range []string{flagV, env, cfgV} {
			if v != "" {
				return v
			}
		}
		return def
	}
	addr := pick(*listen, "", cfg.Listen, service.DefaultListen)
	tok := pick(*token, os.Getenv("UAPOSD_TOKEN"), cfg.Token, "")
	if err := service.CheckListen(addr, tok); err != nil {
		fmt.Fprintf(stderr, "uaposd: refusing to start: %v\n", err)
		return 2
	}
	log, err := newLogger(stderr, pick(*logFormat, "", cfg.LogFormat, "text"), pick(*logLevel, "", cfg.LogLevel, "info"))
	if err != nil {
		fmt.Fprintf(stderr, "uaposd: %v\n", err)
		return 2
	}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	w := &wiring.Wiring{Logger: log}
	var intro []string
	var b *builtin
	if *configPath == "" {
		var err error
		b, err = startBuiltin(ctx, log, h.faults)
		if err != nil {
			fmt.Fprintf(stderr, "uaposd: %v\n", err)
			return 1
		}
		defer b.Close()
		cfg.Devices, cfg.Checkout = b.cfg.Devices, b.cfg.Checkout
		w.Fast, w.POSAPILibraries, w.Rolls = true, b.libs, b.rolls()
		intro = append(intro, "uaposd: no configuration file (-config): serving the built-in simulators on loopback, no hardware involved")
	}
	// The journal: durable SQLite, except for the built-in simulators, whose banks live in
	// memory too.
	var j journal.Journal
	retention := cfg.Retention
	if path := pick(*journalPath, "", cfg.Journal, ""); path != "" || *configPath != "" {
		if path == "" {
			path = defaultJournalPath()
		}
		sj, err := journal.OpenSQLite(path, journal.Options{Retention: retention, Logger: log})
		if err != nil {
			fmt.Fprintf(stderr, "uaposd: journal: %v\n", err)
			return 1
		}
		j = sj
		intro = append(intro, "uaposd: journal "+path)
	} else {
		j = journal.NewMemory()
		intro = append(intro, "uaposd: journal in memory (the simulators' banks are in memory too)")
	}
	defer j.Close()
	w.Journal = j

	opts, err := w.Options(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "uaposd: %v\n", err)
		return 1
	}
	opts.Token = tok
	opts.Loopback = service.IsLoopback(addr)
	opts.AllowedOrigins = cfg.AllowedOrigins
	opts.OperationTimeout = cfg.OperationTimeout
	opts.StatusPoll = h.statusPoll
	svc, err := service.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "uaposd: %v\n", err)
		return 1
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintf(stderr, "uaposd: %v\n", err)
		return 1
	}
	url := "http://" + ln.Addr().String()
	for _, l := range intro {
		fmt.Fprintln(stdout, l)
	}
	fmt.Fprintf(stdout, "uaposd: serving %s (API: %s/v1/openapi.json, devices: %s/v1/devices)\n", url, url, url)
	for _, d := range cfg.Devices {
		fmt.Fprintf(stdout, "uaposd:   %-10s %-8s %s\n", d.Name, d.Kind, describeDevice(d))
	}
	srv := &http.Server{Handler: svc.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	go prune(ctx, j, retention, log)
	if h.ready != nil {
		h.ready(ln.Addr().String(), b)
	}

	select {
	case err := <-served:
		fmt.Fprintf(stderr, "uaposd: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	stop()
	// A second signal aborts the running exchanges at once.
	abort := make(chan os.Signal, 1)
	signal.Notify(abort, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(abort)
	log.Info("stopping: waiting for running terminal exchanges; signal again to abort them now", "running_jobs", svc.Running(), "grace", grace.String())
	gctx, cancel := context.WithTimeout(context.Background(), *grace)
	defer cancel()
	go func() {
		select {
		case <-abort:
			log.Warn("second signal: aborting running exchanges on their terminals")
			cancel()
		case <-gctx.Done():
		}
	}()
	done := make(chan error, 1)
	go func() { done <- svc.Shutdown(gctx) }()
	if err := srv.Shutdown(gctx); err != nil {
		srv.Close()
	}
	if err := <-done; err != nil {
		log.Warn("stopped", "err", err)
	} else {
		log.Info("stopped")
	}
	return 0
}

func describeDevice(d service.DeviceConfig) string {
	var p []string
	for _, kv := range [][2]string{{"", d.Protocol}, {"bank ", d.Bank}, {"", d.URL}, {"library ", d.Library}, {"profile ", d.Profile}, {"on ", d.Printer}} {
		if kv[1] != "" {
			p = append(p, kv[0]+kv[1])
		}
	}
	return strings.Join(p, ", ")
}

// prune deletes journal entries older than the retention once a day.
func prune(ctx context.Context, j journal.Journal, retention time.Duration, log *slog.Logger) {
	if retention == 0 {
		retention = journal.DefaultRetention
	}
	if retention < 0 {
		return
	}
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := j.Prune(ctx, time.Now().Add(-retention)); err != nil {
				log.Warn("journal prune", "err", err)
			} else if n > 0 {
				log.Info("journal pruned", "entries", n)
			}
		}
	}
}

func defaultJournalPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, "uaposd", "journal.db")
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	o := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, fmt.Errorf("log format %q: want text or json", format)
}

// checkConfig is `uaposd check-config FILE`.
func checkConfig(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprint(stderr, "usage: uaposd check-config FILE\n")
		return 2
	}
	cfg, err := service.LoadConfig(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	kinds := map[string]int{}
	for _, d := range cfg.Devices {
		kinds[d.Kind]++
	}
	fmt.Fprintf(stdout, "%s: ok (%d terminals, %d printers, %d drawers)\n", args[0], kinds[service.KindTerminal], kinds[service.KindPrinter], kinds[service.KindDrawer])
	return 0
}

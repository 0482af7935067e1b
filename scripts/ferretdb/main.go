// Command ferretdb-hopt runs FerretDB v1.24 (SQLite backend) as hopt's test server.
//
// It is a small main module of the hopt project that embeds FerretDB through its public,
// embeddable package github.com/FerretDB/FerretDB/ferretdb. Building FerretDB's own
// ./cmd/ferretdb with `go install` yields a binary that panics at start-up because the module
// zip lacks the generated build/version/version.txt (FerretDB issue 2982); the embeddable
// package does not need that file when the main module is not FerretDB's.
//
// Built by scripts/ferretdb-install.sh, started and stopped by scripts/ferretdb-start.sh and
// scripts/ferretdb-stop.sh. FerretDB's code is fetched from the Go module proxy at build time
// and is never part of the hopt repository.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

const ferretdbModule = "github.com/FerretDB/FerretDB"

func ferretdbVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, d := range bi.Deps {
		if d.Path == ferretdbModule {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return "unknown"
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-hopt: error: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	fs := flag.NewFlagSet("ferretdb-hopt", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: ferretdb-hopt [flags]\n\n"+
			"Runs FerretDB %s (embedded) for hopt's tests. Every flag also reads env HOPT_FERRETDB_<FLAG>\n"+
			"(upper case, '-' -> '_') as its default.\n\nFlags:\n", ferretdbVersion())
		fs.PrintDefaults()
	}
	listenAddr := fs.String("listen-addr", envOr("HOPT_FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"),
		"TCP `host:port` to listen on (port 0 picks a free port; the chosen address is printed)")
	listenUnix := fs.String("listen-unix", envOr("HOPT_FERRETDB_LISTEN_UNIX", ""),
		"also listen on this Unix socket `path` (libmongoc wants it to end in .sock)")
	// TLS, for the tests of TLS options in addresses (docs/threat-model.md).
	listenTLS := fs.String("listen-tls", envOr("HOPT_FERRETDB_LISTEN_TLS", ""),
		"also listen with TLS on this `host:port`")
	tlsCert := fs.String("listen-tls-cert-file", envOr("HOPT_FERRETDB_LISTEN_TLS_CERT_FILE", ""),
		"server certificate `file` (PEM) for --listen-tls")
	tlsKey := fs.String("listen-tls-key-file", envOr("HOPT_FERRETDB_LISTEN_TLS_KEY_FILE", ""),
		"server key `file` (PEM) for --listen-tls")
	tlsCA := fs.String("listen-tls-ca-file", envOr("HOPT_FERRETDB_LISTEN_TLS_CA_FILE", ""),
		"CA `file` (PEM) for --listen-tls: clients must then present a certificate it signed")
	handler := fs.String("handler", envOr("HOPT_FERRETDB_HANDLER", "sqlite"),
		"FerretDB backend: sqlite or postgresql")
	dataDir := fs.String("data-dir", envOr("HOPT_FERRETDB_DATA_DIR", ""),
		"SQLite data `directory` (created if missing); shorthand for --sqlite-url=file:DIR/")
	sqliteURL := fs.String("sqlite-url", envOr("HOPT_FERRETDB_SQLITE_URL", ""),
		"SQLite `URI` as FerretDB takes it: file:DIR/ (DIR must exist, trailing slash required); overrides --data-dir")
	pgURL := fs.String("postgresql-url", envOr("HOPT_FERRETDB_POSTGRESQL_URL", "postgres://127.0.0.1:5432/ferretdb"),
		"PostgreSQL `URL` for --handler=postgresql")
	logLevel := fs.String("log-level", envOr("HOPT_FERRETDB_LOG_LEVEL", "info"),
		"log `level`: debug, info, warn or error (logs go to stderr)")
	shutdownTimeout := fs.Duration("shutdown-timeout", 15*time.Second,
		"after SIGTERM/SIGINT, exit anyway if the graceful stop takes longer than this")
	showVersion := fs.Bool("version", false, "print the embedded FerretDB version and exit")

	if err := fs.Parse(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(2)
	}
	if fs.NArg() != 0 {
		fatalf("unexpected arguments: %q", fs.Args())
	}

	if *showVersion {
		fmt.Printf("ferretdb-hopt (embedded FerretDB %s)\n", ferretdbVersion())
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fatalf("invalid --log-level %q: %v", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if _, _, err := net.SplitHostPort(*listenAddr); err != nil {
		fatalf("invalid --listen-addr %q: %v", *listenAddr, err)
	}

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listenAddr, Unix: *listenUnix, TLS: *listenTLS,
			TLSCertFile: *tlsCert, TLSKeyFile: *tlsKey, TLSCAFile: *tlsCA},
		Logger:   logger,
		Handler:  *handler,
	}

	switch *handler {
	case "sqlite":
		u := *sqliteURL
		if u == "" {
			dir := *dataDir
			if dir == "" {
				fatalf("--data-dir or --sqlite-url is required for the sqlite handler")
			}
			abs, err := filepath.Abs(dir)
			if err != nil {
				fatalf("data dir %q: %v", dir, err)
			}
			if err = os.MkdirAll(abs, 0o755); err != nil {
				fatalf("cannot create data dir: %v", err)
			}
			u = "file:" + strings.TrimSuffix(abs, "/") + "/"
		}
		cfg.SQLiteURL = u
	case "postgresql":
		cfg.PostgreSQLURL = *pgURL
	default:
		fatalf("unsupported --handler %q (want sqlite or postgresql)", *handler)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fatalf("cannot start FerretDB: %v", err)
	}

	// ferretdb.New has already bound the listeners, so the URI (with the actual port) is known.
	uri := f.MongoDBURI()
	fmt.Fprintf(os.Stderr, "ferretdb-hopt: FerretDB %s (%s backend, %s) listening on %s pid %d\n",
		ferretdbVersion(), *handler, cfg.SQLiteURL+cfg.PostgreSQLURL, uri, os.Getpid())
	fmt.Fprintf(os.Stdout, "listening %s\n", uri)

	ctx, stop := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	select {
	case <-done:
		fatalf("FerretDB stopped unexpectedly")
	case sig := <-sigs:
		fmt.Fprintf(os.Stderr, "ferretdb-hopt: got %s, shutting down\n", sig)
		stop()
	}

	select {
	case <-done:
		fmt.Fprintln(os.Stderr, "ferretdb-hopt: stopped cleanly")
	case sig := <-sigs:
		fmt.Fprintf(os.Stderr, "ferretdb-hopt: got second %s, exiting now\n", sig)
		os.Exit(1)
	case <-time.After(*shutdownTimeout):
		fmt.Fprintf(os.Stderr, "ferretdb-hopt: graceful stop took longer than %s, exiting\n", *shutdownTimeout)
		os.Exit(1)
	}
}

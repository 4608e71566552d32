// Package relayproxytest runs a real GO Feature Flag relay proxy for tests:
// bound to 127.0.0.1 on a free port, reading a flag file in a temporary
// directory with the file retriever, polling it every second.
//
// The binary comes from ROADMAP_RELAYPROXY, which scripts/setup/10-relayproxy.sh
// builds and exports. When it is missing the test is skipped, or fails when
// CI=true.
//
// # Example
//
//	p := relayproxytest.Start(t, relayproxytest.Static(map[string]bool{"users-patch": false}))
//	provider := ofrepflags.New(p.URL(), ofrepflags.Options{})
//	...
//	p.SetFlags(relayproxytest.Static(map[string]bool{"users-patch": true}))
//	p.Stop()    // outage
//	p.Restart() // same address, same flag file
package relayproxytest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// EnvBinary names the environment variable with the relay proxy binary.
const EnvBinary = "ROADMAP_RELAYPROXY"

// PollingInterval is how often the relay proxy rereads its flag file.
const PollingInterval = time.Second

// startTimeout bounds how long Start and Restart wait for the proxy to answer.
const startTimeout = 60 * time.Second

// Proxy is one relay proxy process owned by a test. Its methods must be
// called from the test's goroutine.
type Proxy struct {
	t         testing.TB
	bin       string
	dir       string
	flagsPath string
	cfgPath   string
	logPath   string
	port      int
	cmd       *exec.Cmd
	done      chan struct{}
}

// Binary returns the relay proxy binary from ROADMAP_RELAYPROXY. It skips
// the test when the variable is unset or the file is missing, and fails it
// when CI=true.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvBinary)
	msg := ""
	if bin == "" {
		msg = EnvBinary + " is not set; run scripts/setup/10-relayproxy.sh (or ./scripts/test.sh)"
	} else if st, err := os.Stat(bin); err != nil || st.IsDir() {
		msg = fmt.Sprintf("%s=%s is not a file; run scripts/setup/10-relayproxy.sh", EnvBinary, bin)
	}
	if msg != "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return bin
}

// Start writes flagsYAML (GO Feature Flag format) to a temporary flag file,
// starts a relay proxy on it and waits until it answers. The proxy is
// stopped when the test ends.
func Start(t testing.TB, flagsYAML string) *Proxy {
	t.Helper()
	p := &Proxy{t: t, bin: Binary(t), dir: t.TempDir()}
	p.flagsPath = filepath.Join(p.dir, "flags.goff.yaml")
	p.cfgPath = filepath.Join(p.dir, "relay-proxy.yaml")
	p.logPath = filepath.Join(p.dir, "relay-proxy.log")
	p.port = freePort(t)
	p.SetFlags(flagsYAML)
	cfg := fmt.Sprintf(`server:
  mode: http
  host: 127.0.0.1
  port: %d
pollingInterval: %d
startWithRetrieverError: false
hideBanner: true
logLevel: error
retriever:
  kind: file
  path: %s
`, p.port, PollingInterval.Milliseconds(), p.flagsPath)
	if err := os.WriteFile(p.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			if b, err := os.ReadFile(p.logPath); err == nil && len(b) > 0 {
				t.Logf("relay proxy log:\n%s", tail(b, 4096))
			}
		}
	})
	p.Restart()
	return p
}

// URL returns the proxy's base URL, e.g. "http://127.0.0.1:41234". It stays
// the same across Stop and Restart.
func (p *Proxy) URL() string { return "http://127.0.0.1:" + strconv.Itoa(p.port) }

// SetFlags replaces the flag file atomically. The proxy sees the change
// within PollingInterval.
func (p *Proxy) SetFlags(flagsYAML string) {
	p.t.Helper()
	tmp := p.flagsPath + ".tmp"
	if err := os.WriteFile(tmp, []byte(flagsYAML), 0o600); err != nil {
		p.t.Fatal(err)
	}
	if err := os.Rename(tmp, p.flagsPath); err != nil {
		p.t.Fatal(err)
	}
}

// Stop terminates the proxy and waits for it to exit. Stopping a stopped
// proxy does nothing.
func (p *Proxy) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}

// Restart starts the proxy (again) on the same address and flag file and
// waits until it answers.
func (p *Proxy) Restart() {
	p.t.Helper()
	p.Stop()
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		p.t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(p.bin, "--config", p.cfgPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = sysProcAttr() // dies with the test binary where the OS allows
	if err := cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(p.done)
	if err := p.waitHealthy(); err != nil {
		p.Stop()
		b, _ := os.ReadFile(p.logPath)
		p.t.Fatalf("relay proxy did not start: %v\n%s", err, tail(b, 4096))
	}
}

func (p *Proxy) waitHealthy() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL()+"/health", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("exited")
		case <-ctx.Done():
			return fmt.Errorf("no healthy answer within %s (last error: %v)", startTimeout, err)
		case <-tick.C:
		}
	}
}

// Static returns a GO Feature Flag file with one boolean flag per entry,
// without targeting: the relay proxy answers each with reason STATIC.
func Static(values map[string]bool) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(values)) {
		v := "off"
		if values[k] {
			v = "on"
		}
		fmt.Fprintf(&b, "%s:\n  variations:\n    on: true\n    off: false\n  defaultRule:\n    variation: %s\n", k, v)
	}
	return b.String()
}

// TargetedFor returns a GO Feature Flag file entry for a boolean flag that is
// on for the given targeting keys only (reason TARGETING_MATCH or DEFAULT).
func TargetedFor(flag string, keys ...string) string {
	quoted := make([]string, len(keys))
	for i, k := range keys {
		quoted[i] = strconv.Quote(k)
	}
	return fmt.Sprintf("%s:\n  variations:\n    on: true\n    off: false\n  targeting:\n    - query: targetingKey in [%s]\n      variation: on\n  defaultRule:\n    variation: off\n",
		flag, strings.Join(quoted, ", "))
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func tail(b []byte, n int) []byte {
	b = bytes.TrimSpace(b)
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/roadmap-go/roadmap/internal/logtest"
	"github.com/roadmap-go/roadmap/internal/relayproxytest"
	"github.com/roadmap-go/roadmap/router"
	"github.com/roadmap-go/roadmap/routertest"
)

// sessionMarker precedes, in a Markdown file, each code block that
// TestReadmeSession and TestGettingStartedSession run.
const sessionMarker = "<!-- demo session -->"

// TestReadmeSession runs the shell sessions of README.md, block after block
// in the order a reader pastes them, against demos run in process (run, as
// main does) on free ports, and checks what each command is said to answer.
func TestReadmeSession(t *testing.T) {
	runSession(t, "README.md", 6)
}

// TestGettingStartedSession does the same for docs/getting-started.md.
func TestGettingStartedSession(t *testing.T) {
	runSession(t, "docs/getting-started.md", 4)
}

// runSession runs the marked blocks of the Markdown file at path (relative to
// the repository root); it wants at least minBlocks of them, so that a block
// cannot drop out of the test by losing its marker unnoticed.
//
// What is checked:
//   - in a console block, the lines after a "$ command" line are its
//     output: a status line and headers ("HTTP/1.1 202 Accepted",
//     "Cache-Control: no-store") must be in the answer, the body must be
//     the answer's body; other output must be equal;
//   - a comment starting with a status code ("# 404 ...") is the answer's
//     status; header names it mentions (Allow, Deprecation, Sunset, Link,
//     Roadmap-Beta-Applied, Roadmap-Example) must be in the answer, with
//     the value given after a colon; a quoted text right after the code, or
//     after "naming", must be in the body;
//   - every curl in an sh block says its status that way, except in a
//     pipeline (| jq, | grep), where it must answer 200;
//   - after a command that changes a flag file a demo reads (sed, echo >,
//     rm), the demo must log that it examined the change ("flag file
//     applied", "rejected", "missing"): a sed that matches nothing fails;
//   - "until/while curl ...; do sleep N; done" loops run (polling without
//     the sleep) until curl succeeds or fails, within 20 s.
//
// Paths under /tmp/ stand for a temporary directory, host:port in URLs for
// the demo or relay proxy the session started with that address, and
// relative paths for the repository root. A command the session does not
// know fails the test.
func runSession(t *testing.T, path string, minBlocks int) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	blocks := sessionBlocks(t, filepath.Join(root, path))
	require.GreaterOrEqual(t, len(blocks), minBlocks, "%s: blocks marked %s", path, sessionMarker)
	s := &session{t: t, root: root, tmp: t.TempDir(), addrs: map[string]string{}, built: map[string]bool{}}
	for _, b := range blocks {
		s.skip = false
		for i := 0; i < len(b.lines); i++ {
			l := b.lines[i]
			cmd := l.text
			if b.console {
				if !strings.HasPrefix(cmd, "$ ") {
					require.Failf(t, "console line is neither a command nor its output", "%s:%d: %s", path, l.no, cmd)
				}
				cmd = strings.TrimPrefix(cmd, "$ ")
			}
			var want []string
			for b.console && i+1 < len(b.lines) && !strings.HasPrefix(b.lines[i+1].text, "$ ") {
				i++
				want = append(want, b.lines[i].text)
			}
			if s.skip {
				continue
			}
			s.where = fmt.Sprintf("%s:%d: %s", path, l.no, cmd)
			got := s.line(cmd, !b.console)
			if len(want) > 0 {
				s.checkOutput(want, got)
			}
		}
	}
}

// sessionLine is one line of a block with its line number in the file.
type sessionLine struct {
	no   int
	text string
}

type sessionBlock struct {
	console bool // a console block ("$ " commands and their output), else sh
	lines   []sessionLine
}

// sessionBlocks returns the code blocks of the Markdown file that follow a
// sessionMarker line.
func sessionBlocks(t *testing.T, path string) []sessionBlock {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var (
		blocks []sessionBlock
		cur    *sessionBlock
		marked bool
		no     int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		no++
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			if strings.TrimSpace(line) != "" {
				cur.lines = append(cur.lines, sessionLine{no, line})
			}
		case line == sessionMarker:
			marked = true
		case marked && (line == "```console" || line == "```sh"):
			cur, marked = &sessionBlock{console: line == "```console"}, false
		case marked && line != "":
			require.Failf(t, "marker not followed by a console or sh block", "%s:%d", path, no)
		}
	}
	require.NoError(t, sc.Err())
	require.Nil(t, cur, "%s: unterminated block", path)
	return blocks
}

// session is the state of one reader's terminal.
type session struct {
	t     *testing.T
	root  string            // the repository root
	tmp   string            // what /tmp/ stands for
	addrs map[string]string // port in the docs -> host:port it really is
	built map[string]bool   // demo binaries built with go build
	demos []*sessionDemo
	relay string // the relay proxy binary, once "built"
	skip  bool   // skip the rest of the block (no relay proxy outside CI)
	where string // the line being run, for messages
}

type sessionDemo struct {
	*mtDemo
	logs  *logtest.Buffer
	flags string // the flag file it reads, if any
}

// sessionCmd is one simple command of a line.
type sessionCmd struct {
	argv       []string
	background bool   // ends with &
	piped      bool   // its output goes to another command
	stdout     string // > file
}

// line runs one command line and returns its output. sh says the line comes
// from an sh block, where a curl must state its status in a comment.
func (s *session) line(line string, sh bool) string {
	t := s.t
	words, comment := shellWords(t, line, s.where)
	if len(words) == 0 {
		return "" // a comment line
	}
	if words[0] == "until" || words[0] == "while" {
		out, a := s.loop(words)
		s.checkComment(comment, a)
		return out
	}
	var (
		out string
		a   *curlAnswer
	)
	for _, c := range splitCommands(t, words, s.where) {
		out, a = s.run(c)
		if c.argv[0] == "curl" {
			switch {
			case c.piped:
				require.Equal(t, http.StatusOK, a.status, "%s: a curl in a pipeline answers 200", s.where)
			case sh && !statusComment.MatchString(comment):
				require.Failf(t, "a curl in an sh block says its status in a comment (# 200 ...)", "%s", s.where)
			}
		}
	}
	s.checkComment(comment, a)
	return out
}

// loop runs "until|while <curl>; do sleep N; done": curl again and again,
// until it succeeds (until) or fails (while).
func (s *session) loop(words []string) (string, *curlAnswer) {
	t := s.t
	semi := slices.Index(words, ";")
	require.True(t, semi > 1 && len(words) == semi+6 && words[semi+1] == "do" && words[semi+2] == "sleep" &&
		words[semi+4] == ";" && words[semi+5] == "done", "%s: want until|while <curl>; do sleep N; done", s.where)
	cmds := splitCommands(t, words[1:semi], s.where)
	require.Len(t, cmds, 1, s.where)
	require.Equal(t, "curl", cmds[0].argv[0], s.where)
	wantOK := words[0] == "until"
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, a := s.curl(cmds[0])
		if a.ok == wantOK {
			return out, a
		}
		require.True(t, time.Now().Before(deadline), "%s: still %d after 20 s", s.where, a.status)
		time.Sleep(10 * time.Millisecond) // polling a server in another goroutine: no event to wait for
	}
}

// run runs one simple command and returns its output, and the answer if it
// is a curl.
func (s *session) run(c sessionCmd) (string, *curlAnswer) {
	t := s.t
	argv := c.argv
	mutates := ""
	switch argv[0] {
	case "curl":
		out, a := s.curl(c)
		require.NotZero(t, a.status, "%s: no answer", s.where)
		return out, a
	case "go":
		switch {
		case len(argv) == 5 && argv[1] == "build" && argv[2] == "-o" && argv[4] == "./cmd/demo":
			s.built[argv[3]] = true // the session runs the same code in process
		case len(argv) >= 3 && argv[1] == "run" && argv[2] == "./cmd/demo":
			s.startDemo(c, argv[3:])
		default:
			require.Failf(t, "unknown go command", "%s", s.where)
		}
	case "cp":
		require.Len(t, argv, 3, s.where)
		data, err := os.ReadFile(s.path(argv[1]))
		require.NoError(t, err, s.where)
		mutates = s.path(argv[2])
		s.mutate(mutates, func() { require.NoError(t, os.WriteFile(mutates, data, 0o644), s.where) })
	case "sed":
		require.True(t, len(argv) == 4 && argv[1] == "-i", "%s: want sed -i EXPR FILE", s.where)
		file := s.path(argv[3])
		s.mutate(file, func() {
			out, err := exec.Command("sed", "-i", argv[2], file).CombinedOutput()
			require.NoError(t, err, "%s: %s", s.where, out)
		})
	case "echo":
		require.NotEmpty(t, c.stdout, "%s: echo > FILE", s.where)
		file := s.path(c.stdout)
		s.mutate(file, func() {
			require.NoError(t, os.WriteFile(file, []byte(strings.Join(argv[1:], " ")+"\n"), 0o644), s.where)
		})
		return "", nil
	case "rm":
		require.Len(t, argv, 2, s.where)
		file := s.path(argv[1])
		s.mutate(file, func() { require.NoError(t, os.Remove(file), s.where) })
	case "bash":
		require.Equal(t, []string{"bash", "scripts/setup/10-relayproxy.sh"}, argv, s.where)
		bin := os.Getenv(relayproxytest.EnvBinary)
		if _, err := os.Stat(bin); bin == "" || err != nil {
			msg := fmt.Sprintf("%s: %s=%q is not a file; run scripts/setup/10-relayproxy.sh", s.where, relayproxytest.EnvBinary, bin)
			require.NotEqual(t, "true", os.Getenv("CI"), msg)
			t.Log(msg + ": the rest of this block is not run")
			s.skip = true
			return "", nil
		}
		s.relay = bin
	case ".cache/bin/relayproxy":
		s.startRelay(c)
	default:
		if s.built[argv[0]] {
			s.startDemo(c, argv[1:])
			break
		}
		require.Failf(t, "the session does not know this command", "%s", s.where)
	}
	return "", nil
}

// path maps a path of the docs to the test's: /tmp/x to the temporary
// directory, relative paths to the repository root.
func (s *session) path(p string) string {
	if rest, ok := strings.CutPrefix(p, "/tmp/"); ok {
		return filepath.Join(s.tmp, rest)
	}
	require.False(s.t, filepath.IsAbs(p), "%s: absolute path %s outside /tmp", s.where, p)
	return filepath.Join(s.root, p)
}

// addr maps a host:port of the docs to the server the session started there.
func (s *session) addr(hostport string) string {
	host, port, err := net.SplitHostPort(hostport)
	require.NoError(s.t, err, s.where)
	require.Contains(s.t, []string{"localhost", "127.0.0.1"}, host, s.where)
	real, ok := s.addrs[port]
	require.True(s.t, ok, "%s: nothing started on port %s", s.where, port)
	return real
}

// mutate runs change on file and, if a demo reads that flag file, waits
// until the demo has logged what it made of the change.
func (s *session) mutate(file string, change func()) {
	count := func(d *sessionDemo) int { return strings.Count(d.logs.String(), `msg="flag file `) }
	before := map[*sessionDemo]int{}
	for _, d := range s.demos {
		if d.flags == file {
			before[d] = count(d)
		}
	}
	change()
	for d, n := range before {
		require.Eventually(s.t, func() bool { return count(d) > n }, 20*time.Second, 5*time.Millisecond,
			"%s: the demo never logged the change of its flag file (a sed that matched nothing?)", s.where)
	}
}

// startDemo starts a demo in process with the docs' arguments.
func (s *session) startDemo(c sessionCmd, args []string) {
	t := s.t
	require.True(t, c.background, "%s: the demo must run in the background (&)", s.where)
	docsAddr := "127.0.0.1:8080"
	var mapped []string
	flagsPath := ""
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-addr":
			i++
			docsAddr = args[i]
			continue
		case "-flags":
			i++
			flagsPath = s.path(args[i])
			mapped = append(mapped, "-flags", flagsPath)
			continue
		case "-ofrep":
			i++
			u, err := url.Parse(args[i])
			require.NoError(t, err, s.where)
			u.Host = s.addr(u.Host)
			mapped = append(mapped, "-ofrep", u.String())
			continue
		}
		mapped = append(mapped, args[i])
	}
	logs := &logtest.Buffer{}
	d := &sessionDemo{mtDemo: mtRun(t, mtNoEnv, logs, mapped...), logs: logs, flags: flagsPath}
	_, port, err := net.SplitHostPort(docsAddr)
	require.NoError(t, err, s.where)
	s.addrs[port] = strings.TrimPrefix(d.base, "http://")
	s.demos = append(s.demos, d)
}

// startRelay starts the relay proxy on the docs' configuration, with its
// port replaced by a free one, in the repository root (relative paths in the
// configuration are as the docs run it).
func (s *session) startRelay(c sessionCmd) {
	t := s.t
	require.NotEmpty(t, s.relay, "%s: the relay proxy is not built", s.where)
	require.True(t, c.background && len(c.argv) == 3 && c.argv[1] == "--config", "%s: want relayproxy --config FILE &", s.where)
	cfg, err := os.ReadFile(s.path(c.argv[2]))
	require.NoError(t, err, s.where)
	portLine := regexp.MustCompile(`(?m)^  port: (\d+)`)
	m := portLine.FindSubmatch(cfg)
	require.NotNil(t, m, "%s: no server port in the configuration", s.where)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	free := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	cfg = portLine.ReplaceAll(cfg, []byte(fmt.Sprintf("  port: %d", free)))
	cfgPath := filepath.Join(s.tmp, "relay-proxy.yaml")
	require.NoError(t, os.WriteFile(cfgPath, cfg, 0o600))
	logs := &logtest.Buffer{}
	cmd := exec.Command(s.relay, "--config", cfgPath)
	cmd.Dir, cmd.Stdout, cmd.Stderr = s.root, logs, logs
	require.NoError(t, cmd.Start(), s.where)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("relay proxy log:\n%s", logs.String())
		}
	})
	s.addrs[string(m[1])] = fmt.Sprintf("127.0.0.1:%d", free)
}

// curlAnswer is what one curl got.
type curlAnswer struct {
	status int
	header http.Header
	body   string
	ok     bool // curl's exit status would be 0
}

// curlClient does not follow redirects, as curl does not.
var curlClient = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// curl runs a curl command (-s -i -f -X -H -o) with Go's HTTP client and
// returns what curl would print.
func (s *session) curl(c sessionCmd) (string, *curlAnswer) {
	t := s.t
	method, target, outFile := http.MethodGet, "", ""
	var include, fail bool
	header := http.Header{}
	argv := c.argv
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "-X" || a == "-H" || a == "-o":
			require.Less(t, i+1, len(argv), s.where)
			i++
			switch a {
			case "-X":
				method = argv[i]
			case "-H":
				name, value, ok := strings.Cut(argv[i], ":")
				require.True(t, ok, s.where)
				header.Add(name, strings.TrimSpace(value))
			case "-o":
				outFile = argv[i]
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for _, f := range a[1:] {
				switch f {
				case 's':
				case 'i':
					include = true
				case 'f':
					fail = true
				default:
					require.Failf(t, "curl option the session does not know", "-%c in %s", f, s.where)
				}
			}
		default:
			require.Empty(t, target, "%s: one URL", s.where)
			target = a
		}
	}
	if !strings.Contains(target, "://") {
		target = "http://" + target
	}
	u, err := url.Parse(target)
	require.NoError(t, err, s.where)
	u.Host = s.addr(u.Host)
	req, err := http.NewRequest(method, u.String(), nil)
	require.NoError(t, err, s.where)
	req.Header = header
	res, err := curlClient.Do(req)
	if err != nil { // curl exits 7 (or 28, ...): the loops try again, run fails
		return "", &curlAnswer{}
	}
	body, err := io.ReadAll(res.Body)
	_ = res.Body.Close()
	require.NoError(t, err, s.where)
	a := &curlAnswer{status: res.StatusCode, header: res.Header, body: string(body), ok: !fail || res.StatusCode < 400}
	if !a.ok || outFile != "" {
		require.Contains(t, []string{"", "/dev/null"}, outFile, s.where)
		return "", a
	}
	var out strings.Builder
	if include {
		fmt.Fprintf(&out, "%s %s\n", res.Proto, res.Status)
		for _, name := range slices.Sorted(func(yield func(string) bool) {
			for k := range res.Header {
				if !yield(k) {
					return
				}
			}
		}) {
			for _, v := range res.Header[name] {
				fmt.Fprintf(&out, "%s: %s\n", name, v)
			}
		}
		out.WriteString("\n")
	}
	out.Write(body)
	return out.String(), a
}

// checkOutput compares the output a console block shows with what the
// command printed: an HTTP status line and headers must be in the answer
// and the body must be equal; any other output must be equal.
func (s *session) checkOutput(want []string, got string) {
	t := s.t
	if !strings.HasPrefix(want[0], "HTTP/") {
		assert.Equal(t, strings.Join(want, "\n"), strings.TrimSpace(got), s.where)
		return
	}
	head, body, _ := strings.Cut(got, "\n\n")
	gotLines := strings.Split(head, "\n")
	assert.Equal(t, want[0], gotLines[0], s.where)
	i := 1
	for ; i < len(want) && strings.Contains(want[i], ": ") && !strings.HasPrefix(want[i], "{"); i++ {
		assert.Contains(t, gotLines[1:], want[i], "%s: header", s.where)
	}
	assert.Equal(t, strings.Join(want[i:], "\n"), strings.TrimSpace(body), "%s: body", s.where)
}

var (
	statusComment = regexp.MustCompile(`^(\d{3})\b(?: "([^"]+)")?`)
	namingComment = regexp.MustCompile(`naming "([^"]+)"`)
	headerComment = regexp.MustCompile(`\b(Allow|Deprecation|Sunset|Link|Roadmap-Beta-Applied|Roadmap-Example)\b(?:: ([^,]+(?:, [A-Z]+\b)*))?`)
)

// checkComment checks what a comment says a command answers.
func (s *session) checkComment(comment string, a *curlAnswer) {
	t := s.t
	m := statusComment.FindStringSubmatch(comment)
	if m == nil {
		return
	}
	require.NotNil(t, a, "%s: a status comment on a command that is not a curl", s.where)
	assert.Equal(t, m[1], fmt.Sprint(a.status), "%s: status", s.where)
	if m[2] != "" {
		assert.Contains(t, a.body, m[2], s.where)
	}
	if n := namingComment.FindStringSubmatch(comment); n != nil {
		assert.Contains(t, a.body, `\"`+n[1]+`\"`, s.where)
	}
	for _, h := range headerComment.FindAllStringSubmatch(comment, -1) {
		got := a.header.Values(h[1])
		require.NotEmpty(t, got, "%s: header %s", s.where, h[1])
		if h[2] != "" {
			assert.Equal(t, strings.TrimSpace(h[2]), strings.Join(got, ", "), "%s: header %s", s.where, h[1])
		}
	}
}

// shellWords splits a command line into words and operators (&&, &, ;, |,
// >, 2>&1) and returns the comment after an unquoted #, without the #.
// It knows single and double quotes, nothing else.
func shellWords(t *testing.T, line, where string) (words []string, comment string) {
	var (
		cur    strings.Builder
		inWord bool
	)
	flush := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == '\'' || ch == '"':
			end := strings.IndexByte(line[i+1:], ch)
			require.GreaterOrEqual(t, end, 0, "%s: unterminated quote", where)
			cur.WriteString(line[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case ch == ' ' || ch == '\t':
			flush()
		case ch == '#' && !inWord:
			return words, strings.TrimSpace(line[i+1:])
		case strings.HasPrefix(line[i:], "2>&1"):
			flush()
			words = append(words, "2>&1")
			i += 3
		case strings.HasPrefix(line[i:], "&&"):
			flush()
			words = append(words, "&&")
			i++
		case ch == '&' || ch == ';' || ch == '|' || ch == '>':
			flush()
			words = append(words, string(ch))
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	flush()
	return words, ""
}

// splitCommands splits words at && and ; into simple commands, with their
// redirections, trailing & and pipelines (only the first command of a
// pipeline is run).
func splitCommands(t *testing.T, words []string, where string) []sessionCmd {
	var (
		cmds []sessionCmd
		cur  sessionCmd
		pipe bool // in the tail of a pipeline: skip
	)
	end := func() {
		if len(cur.argv) > 0 {
			cmds = append(cmds, cur)
		}
		cur, pipe = sessionCmd{}, false
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "&&" || w == ";":
			end()
		case pipe:
		case w == "|":
			cur.piped, pipe = true, true
		case w == "&":
			cur.background = true
		case w == "2>&1":
		case w == ">":
			require.Less(t, i+1, len(words), "%s: > FILE", where)
			i++
			cur.stdout = words[i]
		default:
			cur.argv = append(cur.argv, w)
		}
	}
	end()
	if len(cmds) == 0 {
		require.Fail(t, "no command", where)
	}
	for _, c := range cmds {
		if c.stdout != "" && c.argv[0] != "echo" && c.stdout != "/dev/null" && !c.background {
			require.Fail(t, "output redirected to a file", "%s", where)
		}
	}
	return cmds
}

// stagesTableRows returns the rows of the first table after the heading
// line in docs/stages.md, each as its trimmed cells.
func stagesTableRows(t *testing.T, doc, heading string) [][]string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "\n"+heading+"\n")
	require.True(t, ok, "heading %q in docs/stages.md", heading)
	var rows [][]string
	inTable := false
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows = append(rows, cells)
	}
	require.Greater(t, len(rows), 2, "table under %q", heading)
	return rows[2:] // less the header and the separator
}

// TestStagesCacheControl checks what docs/stages.md says about
// Cache-Control: no-store, row by row of its two answer tables, against a
// router: a row whose headers column names no-store must get it, any other
// row must not (for HEAD: exactly what GET gets).
func TestStagesCacheControl(t *testing.T) {
	raw, err := os.ReadFile("../../docs/stages.md")
	require.NoError(t, err)
	doc := string(raw)
	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	fl := routertest.NewFlags(t, map[string]bool{"off": false, "on": true})
	rt, err := router.New([]router.Route{
		{Method: http.MethodGet, Pattern: "/planned", Stage: router.Planned},
		{Method: http.MethodGet, Pattern: "/planned-off", Stage: router.Planned, Flag: "off", Handler: ok},
		{Method: http.MethodGet, Pattern: "/planned-on", Stage: router.Planned, Flag: "on", Handler: ok},
		{Method: http.MethodGet, Pattern: "/beta-off", Stage: router.Beta, Flag: "off", Handler: ok},
		{Method: http.MethodGet, Pattern: "/beta-on", Stage: router.Beta, Flag: "on", Handler: ok},
		{Method: http.MethodGet, Pattern: "/live", Stage: router.Live, Handler: ok},
		{Method: http.MethodGet, Pattern: "/deprecated", Stage: router.Deprecated, Handler: ok,
			Deprecation: now.AddDate(-1, 0, 0), Sunset: now.AddDate(1, 0, 0)},
		{Method: http.MethodGet, Pattern: "/brownout", Stage: router.Deprecated, Handler: ok,
			Deprecation: now.AddDate(-1, 0, 0), Sunset: now.AddDate(1, 0, 0), Brownout: "on"},
		{Method: http.MethodGet, Pattern: "/sunset", Stage: router.Deprecated, Handler: ok,
			Deprecation: now.AddDate(-2, 0, 0), Sunset: now.AddDate(-1, 0, 0)},
		{Method: http.MethodGet, Pattern: "/removed", Stage: router.Removed},
		{Method: http.MethodGet, Pattern: "/live-from", Stage: router.Beta, Flag: "off", Handler: ok, LiveFrom: now.AddDate(0, -1, 0)},
	}, router.Config{Flags: fl.Client(), Now: func() time.Time { return now }})
	require.NoError(t, err)
	t.Cleanup(rt.Close)
	app := chi.NewRouter()
	app.Use(router.KnownMethods)
	app.NotFound(rt.NotFound)
	app.Mount("/", rt)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)

	type probe struct {
		method, path string
		status       int
	}
	stageRows := map[string]probe{
		"`planned` (zero value), no handler | —":                           {http.MethodGet, "/planned", http.StatusNotImplemented},
		"`planned` with handler and flag | off":                            {http.MethodGet, "/planned-off", http.StatusNotImplemented},
		"`planned` with handler and flag | on":                             {http.MethodGet, "/planned-on", http.StatusOK},
		"`beta` | off":                                                     {http.MethodGet, "/beta-off", http.StatusNotImplemented},
		"`beta` | on":                                                      {http.MethodGet, "/beta-on", http.StatusOK},
		"`live` | not consulted":                                           {http.MethodGet, "/live", http.StatusOK},
		"`deprecated` | not consulted":                                     {http.MethodGet, "/deprecated", http.StatusOK},
		"`deprecated`, at or after `Sunset` | not consulted":               {http.MethodGet, "/sunset", http.StatusGone},
		"`deprecated` with `Brownout`, brownout flag on | `Brownout`":      {http.MethodGet, "/brownout", http.StatusGone},
		"`removed` | not consulted":                                        {http.MethodGet, "/removed", http.StatusGone},
		"`planned`/`beta` with `LiveFrom`, at or after it | not consulted": {http.MethodGet, "/live-from", http.StatusOK},
	}
	methodRows := map[string]probe{
		"a method the server does not recognise (`BREW`, lower-case `get`) on any path": {"BREW", "/live", http.StatusNotImplemented},
		"a known method a declared path does not declare":                               {http.MethodDelete, "/live", http.StatusMethodNotAllowed},
		"`HEAD` on a path with a GET route":                                             {http.MethodHead, "/planned-off", http.StatusNotImplemented},
		"a path nothing declares":                                                       {http.MethodGet, "/nowhere", http.StatusNotFound},
	}
	cacheControl := func(t *testing.T, p probe) string {
		req, err := http.NewRequest(p.method, srv.URL+p.path, nil)
		require.NoError(t, err)
		res, err := srv.Client().Do(req)
		require.NoError(t, err)
		_ = res.Body.Close()
		require.Equal(t, p.status, res.StatusCode, "%s %s", p.method, p.path)
		return res.Header.Get("Cache-Control")
	}
	check := func(t *testing.T, rows [][]string, probes map[string]probe, key func([]string) string) {
		seen := map[string]bool{}
		for _, cells := range rows {
			k := key(cells)
			t.Run(k, func(t *testing.T) {
				p, ok := probes[k]
				require.True(t, ok, "a docs/stages.md row the test does not know: %q", k)
				seen[k] = true
				got := cacheControl(t, p)
				headers := cells[len(cells)-1]
				switch {
				case p.method == http.MethodHead:
					assert.Equal(t, "as for GET", headers)
					assert.Equal(t, cacheControl(t, probe{http.MethodGet, p.path, p.status}), got)
				case strings.Contains(headers, "`Cache-Control: no-store`"):
					assert.Equal(t, "no-store", got, "the docs say no-store")
				default:
					assert.Empty(t, got, "the docs say %q", headers)
				}
			})
		}
		for k := range probes {
			assert.True(t, seen[k], "row %q is no longer in docs/stages.md", k)
		}
	}
	check(t, stagesTableRows(t, doc, "## Stage × flag"), stageRows, func(c []string) string { return c[0] + " | " + c[1] })
	check(t, stagesTableRows(t, doc, "## Methods and paths"), methodRows, func(c []string) string { return c[0] })
}

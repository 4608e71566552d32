// Command benchchart draws the bar chart of docs/performance.md from the
// output of the benchmarks in internal/bench: for each path, the median
// ns/op of the plain chi (or direct provider call) baseline next to the
// router's, with the ratio.
//
// Usage:
//
//	go run ./internal/bench/cmd/benchchart -in bench.txt -out docs/performance.png
//
// The input is raw `go test -bench` output, any number of rounds
// (scripts/bench.sh writes it). Only the pairs listed in rows are drawn.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// row is one pair of bars: the baseline benchmark and the router's.
type row struct {
	label, base, roadmap string
}

// rows are the pairs drawn, in order; names omit the -N GOMAXPROCS suffix.
var rows = []row{
	{"live route", "Serve/path=live/impl=chi", "Serve/path=live/impl=roadmap"},
	{"beta, untargeted flag (cached)", "Serve/path=beta-cached/impl=chi", "Serve/path=beta-cached/impl=roadmap"},
	{"planned, untargeted flag off", "Serve/path=planned-cached-off/impl=chi", "Serve/path=planned-cached-off/impl=roadmap"},
	{"planned 501 stub", "Serve/path=planned-stub/impl=chi", "Serve/path=planned-stub/impl=roadmap"},
	{"memprovider fractional", "Flag/provider=memprovider/flag=fractional/impl=direct-attrs", "Flag/provider=memprovider/flag=fractional/impl=roadmap"},
	{"flagd in-process, no rules", "Flag/provider=flagd-inprocess/flag=static/impl=direct", "Flag/provider=flagd-inprocess/flag=static/impl=roadmap"},
	{"flagd in-process fractional", "Flag/provider=flagd-inprocess/flag=fractional/impl=direct-attrs", "Flag/provider=flagd-inprocess/flag=fractional/impl=roadmap"},
	{"memprovider fractional, Timeout -1", "Flag/provider=memprovider/flag=fractional/impl=direct-attrs", "Flag/provider=memprovider/flag=fractional/impl=roadmap-inline"},
	{"flagd fractional, Timeout -1", "Flag/provider=flagd-inprocess/flag=fractional/impl=direct-attrs", "Flag/provider=flagd-inprocess/flag=fractional/impl=roadmap-inline"},
	{"OFREP (relay proxy), targeted", "OFREP/flag=targeted/impl=direct-attrs", "OFREP/flag=targeted/impl=roadmap"},
	{"build 10,000 routes", "Build10k/impl=chi", "Build10k/impl=roadmap"},
}

func main() {
	in := flag.String("in", "", "benchmark output (default stdin)")
	out := flag.String("out", "docs/performance.png", "PNG to write")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "benchchart:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	var r io.Reader = os.Stdin
	if in != "" {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	samples, err := parse(r)
	if err != nil {
		return err
	}
	img, err := draw2(samples)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op`)

// parse collects the ns/op samples of every benchmark.
func parse(r io.Reader) (map[string][]float64, error) {
	samples := map[string][]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, err
		}
		samples[m[1]] = append(samples[m[1]], v)
	}
	return samples, sc.Err()
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

var (
	white   = color.RGBA{255, 255, 255, 255}
	black   = color.RGBA{0, 0, 0, 255}
	grey    = color.RGBA{200, 200, 200, 255}
	chiBlue = color.RGBA{70, 110, 190, 255}
	ourRed  = color.RGBA{220, 110, 50, 255}
)

// draw2 draws one group of two horizontal bars per row, each group scaled
// so that its longer bar has full length, labelled with the medians in ns/op
// and the ratio.
func draw2(samples map[string][]float64) (image.Image, error) {
	const (
		width, left, barMax = 940, 290, 420
		barH, gap, top      = 16, 22, 50
	)
	type bar struct {
		label       string
		base, ours  float64
		nBase, nOur int
	}
	var bars []bar
	for _, r := range rows {
		b, o := samples[r.base], samples[r.roadmap]
		if len(b) == 0 || len(o) == 0 {
			continue
		}
		bars = append(bars, bar{r.label, median(b), median(o), len(b), len(o)})
	}
	if len(bars) == 0 {
		return nil, errors.New("no benchmark pair found in the input")
	}
	height := top + len(bars)*(2*barH+gap) + 40
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), &image.Uniform{white}, image.Point{}, draw.Src)
	text(img, 10, 20, black, "ns/op by path (median of the rounds); blue: plain chi or direct provider call, orange: roadmap router")
	text(img, 10, 36, black, "bars scaled per row; measured on a shared 2-core machine: compare the ratios, not the absolute figures")
	y := top
	for _, b := range bars {
		scale := float64(barMax) / max(b.base, b.ours) // the longer bar fills barMax
		text(img, 10, y+barH+4, black, b.label)
		fill(img, left, y, int(b.base*scale), barH, chiBlue)
		text(img, left+int(b.base*scale)+6, y+12, black, duration(b.base))
		fill(img, left, y+barH+2, int(b.ours*scale), barH, ourRed)
		text(img, left+int(b.ours*scale)+6, y+barH+14, black, fmt.Sprintf("%s  (%.2fx)", duration(b.ours), b.ours/b.base))
		y += 2*barH + gap
	}
	fill(img, left-1, top-4, 1, y-top, grey)
	return img, nil
}

// duration formats ns/op in a readable unit.
func duration(ns float64) string {
	switch {
	case ns >= 1e6:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	case ns >= 1e4:
		return fmt.Sprintf("%.1f us", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func fill(img *image.RGBA, x, y, w, h int, c color.Color) {
	draw.Draw(img, image.Rect(x, y, x+max(w, 1), y+h), &image.Uniform{c}, image.Point{}, draw.Src)
}

func text(img *image.RGBA, x, y int, c color.Color, s string) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13,
		Dot: fixed.P(x, y)}
	d.DrawString(strings.TrimSpace(s))
}

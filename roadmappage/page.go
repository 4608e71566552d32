package roadmappage

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/roadmap-go/roadmap/demand"
	"github.com/roadmap-go/roadmap/router"
)

// page is the data of the HTML template.
type page struct {
	Title  string
	Total  int
	Groups []group
}

type group struct {
	Stage  string
	Blurb  string
	Routes []Route
}

// stageOrder is the order of the page's sections: what callers can use
// first, then what is coming, then what is going away.
var stageOrder = [...]struct {
	stage router.Stage
	blurb string
}{
	{router.Live, "Generally available."},
	{router.Beta, "Available to some callers while it is tested; may change."},
	{router.Planned, "On the roadmap, not available yet: requests answer 501 Not Implemented."},
	{router.Deprecated, "Still served, going away: move to the successor before the sunset date."},
	{router.Removed, "No longer served: requests answer 410 Gone."},
}

func newPage(doc Document) page {
	p := page{Title: doc.Title, Total: len(doc.Routes)}
	for _, s := range stageOrder {
		g := group{Stage: s.stage.String(), Blurb: s.blurb}
		for _, r := range doc.Routes {
			if r.Stage == g.Stage {
				g.Routes = append(g.Routes, r)
			}
		}
		if len(g.Routes) > 0 {
			p.Groups = append(p.Groups, g)
		}
	}
	return p
}

var pageTemplate = template.Must(template.New("roadmap").Funcs(template.FuncMap{
	"date":   func(t *time.Time) string { return t.Format("2006-01-02") },
	"demand": demandText,
	"top":    topCallers,
	"least":  func(c demand.Caller) uint64 { return c.Requests - c.Error },
}).Parse(pageHTML))

// demandText sums up a route's demand in a sentence, e.g. "42 callers
// asked for this in the last 7 days (97 in the last 30 days)."
func demandText(d *Demand) string {
	verb := "asked for this"
	if d.Kind == demand.KindDeprecated {
		verb = "still called this"
	}
	var b strings.Builder
	for i, w := range d.Windows {
		switch i {
		case 0:
			fmt.Fprintf(&b, "%s %s in the last %d days", plural(w.Callers, "caller"), verb, w.Days)
		case 1:
			fmt.Fprintf(&b, " (%d in the last %d days)", w.Callers, w.Days)
		}
	}
	if len(d.Windows) > 0 && d.Windows[0].Anonymous > 0 {
		fmt.Fprintf(&b, ", and %s without a caller id", plural(d.Windows[0].Anonymous, "request"))
	}
	b.WriteString(".")
	return b.String()
}

// topCallers returns the top callers of the first window (7 days).
func topCallers(d *Demand) []demand.Caller {
	if len(d.Windows) == 0 {
		return nil
	}
	return d.Windows[0].Top
}

func plural(n uint64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --card: #f6f8fa;
  --live: #1a7f37; --beta: #8250df; --planned: #0969da; --deprecated: #9a6700; --removed: #cf222e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --card: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 1rem; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
h1 { font-size: 1.6rem; margin: .5rem 0 0; }
header p, .blurb { color: var(--muted); margin: .25rem 0 1rem; }
section { margin: 1.5rem 0; }
h2 { font-size: 1.25rem; border-bottom: 2px solid var(--c); padding-bottom: .25rem; margin-bottom: .25rem; text-transform: capitalize; }
h2 .count { color: var(--muted); font-weight: normal; font-size: 1rem; }
ul { list-style: none; padding: 0; margin: 0; }
li.route { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--c); border-radius: 6px; padding: .6rem .8rem; margin: .6rem 0; }
.sig { display: flex; flex-wrap: wrap; gap: .4rem; align-items: baseline; }
.method { font: 600 .8rem/1.6 ui-monospace, SFMono-Regular, Menlo, monospace; color: #fff; background: var(--c); border-radius: 4px; padding: 0 .4rem; }
code.pattern { font: .95rem ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.name { font-weight: 600; margin: .2rem 0 0; }
.state { margin-left: auto; font-size: .8rem; border: 1px solid var(--line); border-radius: 999px; padding: 0 .5rem; white-space: nowrap; }
.state.available { color: var(--live); border-color: var(--live); }
.state.gone { color: var(--removed); border-color: var(--removed); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .4rem 0 0; font-size: .9rem; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
a { color: var(--planned); }
.demand { margin: .4rem 0 0; font-size: .9rem; }
table.top { margin: .3rem 0 0; font-size: .85rem; border-collapse: collapse; }
table.top caption { text-align: left; color: var(--muted); }
table.top th, table.top td { text-align: left; padding: 0 .8rem 0 0; }
.live { --c: var(--live); } .beta { --c: var(--beta); } .planned { --c: var(--planned); }
.deprecated { --c: var(--deprecated); } .removed { --c: var(--removed); }
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p>{{.Total}} routes, grouped by lifecycle stage. "Available to you" is evaluated for this request.</p>
</header>
<main>
{{- range .Groups}}
<section class="{{.Stage}}" id="{{.Stage}}" data-stage="{{.Stage}}">
<h2>{{.Stage}} <span class="count">({{len .Routes}})</span></h2>
<p class="blurb">{{.Blurb}}</p>
<ul>
{{- range .Routes}}
<li class="route" data-route="{{.Method}} {{.Pattern}}">
<div class="sig"><span class="method">{{.Method}}</span> <code class="pattern">{{.Pattern}}</code>
{{- if eq .State "available"}} <span class="state available">Available to you</span>
{{- else if eq .State "gone"}} <span class="state gone">Gone</span>
{{- else}} <span class="state">Not available to you yet</span>{{end}}</div>
{{- if .Name}}<p class="name">{{.Name}}</p>{{end}}
{{- if or .Flag .Available .Docs .Successor .LiveFrom .Deprecation .Sunset (ne .Stage .DeclaredStage)}}
<dl>
{{- if ne .Stage .DeclaredStage}}<dt>Declared</dt><dd>{{.DeclaredStage}}</dd>{{end}}
{{- if .Available}}<dt>Target release</dt><dd>{{.Available}}</dd>{{end}}
{{- if .Flag}}<dt>Flag</dt><dd><code>{{.Flag}}</code></dd>{{end}}
{{- if .LiveFrom}}<dt>Live from</dt><dd><time datetime="{{.LiveFrom.Format "2006-01-02T15:04:05Z07:00"}}">{{date .LiveFrom}}</time></dd>{{end}}
{{- if .Deprecation}}<dt>Deprecated</dt><dd><time datetime="{{.Deprecation.Format "2006-01-02T15:04:05Z07:00"}}">{{date .Deprecation}}</time></dd>{{end}}
{{- if .Sunset}}<dt>Sunset</dt><dd><time datetime="{{.Sunset.Format "2006-01-02T15:04:05Z07:00"}}">{{date .Sunset}}</time></dd>{{end}}
{{- if .Successor}}<dt>Successor</dt><dd><code>{{.Successor}}</code></dd>{{end}}
{{- if .Docs}}<dt>Docs</dt><dd><a href="{{.Docs}}">{{.Docs}}</a></dd>{{end}}
</dl>
{{- end}}
{{- with .Demand}}
<p class="demand">{{demand .}}</p>
{{- with top .}}
<table class="top"><caption>Top callers, last 7 days</caption>
<tr><th>Caller</th><th>Requests</th></tr>
{{- range .}}<tr><td><code>{{.ID}}</code></td><td>{{.Requests}}{{if .Error}} (at least {{least .}}){{end}}</td></tr>{{end}}
</table>
{{- end}}
{{- end}}
</li>
{{- end}}
</ul>
</section>
{{- end}}
</main>
</body>
</html>
`

// The pages' only stylesheet and script, served from /-/assets/ so that the
// Content-Security-Policy can forbid every inline style and script. GitLab's
// visual vocabulary: system font stack, quiet tables, pill badges.
export const APP_CSS = `
:root { --text: #333238; --muted: #626168; --border: #dcdcde; --bg-subtle: #fbfafd; --link: #1f75cb;
  --green: #108548; --green-bg: #c3e6cd; --red: #dd2b0e; --red-bg: #fdd4cd; --blue: #0b5cad; --blue-bg: #cbe2f9;
  --orange: #9e5400; --orange-bg: #f5d9a8; --grey: #535158; --grey-bg: #ececef; --purple: #5943b6; --purple-bg: #e1d8f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Noto Sans", Ubuntu, sans-serif; color: var(--text); background: #fff; }
a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 24px; padding: 8px 24px; min-height: 48px; background: #2f2a6b; color: #fff; }
header.top a { color: #fff; } header.top .brand { font-weight: 600; font-size: 16px; }
header.top nav { display: flex; gap: 16px; flex: 1; } header.top .who { display: flex; gap: 12px; align-items: center; }
header.top form { margin: 0; } header.top form.search input { width: 260px; max-width: 100%; color: #fff; background: #ffffff1a; border-color: #ffffff66; }
header.top form.search input::placeholder { color: #ffffffb3; } header.top button { background: transparent; color: #fff; border: 1px solid #ffffff66; border-radius: 4px; padding: 2px 10px; cursor: pointer; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 24px; font-weight: 600; margin: 8px 0 16px; } h2 { font-size: 18px; font-weight: 600; margin: 24px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
.muted { color: var(--muted); } .mono, code { font-family: "GitLab Mono", Menlo, Consolas, monospace; font-size: 13px; }
table { width: 100%; border-collapse: collapse; margin: 8px 0; }
.table-box { max-width: 100%; overflow-x: auto; } .table-box > table { margin: 0; } .table-box { margin: 8px 0; }
th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--border); padding: 8px; font-size: 13px; }
td { border-bottom: 1px solid var(--border); padding: 8px; vertical-align: top; }
tr:hover td { background: var(--bg-subtle); }
.badge { display: inline-block; border-radius: 12px; padding: 0 8px; font-size: 12px; line-height: 20px; font-weight: 600; white-space: nowrap; }
.badge-success { color: var(--green); background: var(--green-bg); } .badge-danger { color: var(--red); background: var(--red-bg); }
.badge-info { color: var(--blue); background: var(--blue-bg); } .badge-warning { color: var(--orange); background: var(--orange-bg); }
.badge-neutral { color: var(--grey); background: var(--grey-bg); } .badge-muted { color: var(--purple); background: var(--purple-bg); }
form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; padding: 12px; background: var(--bg-subtle); border: 1px solid var(--border); border-radius: 4px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
form.filters label.wide { flex: 1 1 320px; } form.filters label.wide input { width: 100%; }
form.filters input, form.filters select, form.filters button, form.filters .button { height: 32px; line-height: 22px; }
form.filters input[type=text], form.filters select { width: 180px; max-width: 100%; } form.filters .actions { display: flex; gap: 8px; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.repeat { font-weight: 600; color: var(--red); white-space: nowrap; } .pick-bar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
abbr[title] { text-decoration: none; border-bottom: 1px dotted var(--muted); cursor: help; }
input, select { font: inherit; padding: 4px 8px; border: 1px solid #89888d; border-radius: 4px; background: #fff; }
button, .button { font: inherit; padding: 4px 12px; border-radius: 4px; border: 1px solid #89888d; background: #fff; color: var(--text); cursor: pointer; display: inline-block; }
button.primary, .button.primary { background: #1f75cb; border-color: #1068bf; color: #fff; }
.empty { text-align: center; padding: 48px 16px; border: 1px dashed var(--border); border-radius: 4px; color: var(--muted); }
.empty strong { display: block; color: var(--text); font-size: 16px; margin-bottom: 4px; }
.pager { display: flex; justify-content: flex-end; gap: 8px; margin-top: 8px; }
dl.facts { display: grid; grid-template-columns: 220px 1fr; gap: 6px 16px; margin: 8px 0; } dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
.chain { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; } .chain .arrow { color: var(--muted); }
pre.text { white-space: pre-wrap; word-break: break-word; background: var(--bg-subtle); border: 1px solid var(--border); border-radius: 4px; padding: 8px 12px; margin: 4px 0; }
.alert { border-left: 4px solid var(--red); background: #fdf1ef; padding: 8px 12px; margin: 8px 0; border-radius: 0 4px 4px 0; }
.alert.warn { border-color: var(--orange); background: #fdf6e8; } .ok { border-left: 4px solid var(--green); background: #ecf4ee; padding: 8px 12px; margin: 8px 0; border-radius: 0 4px 4px 0; }
table.compare { table-layout: fixed; } table.compare th:first-child { width: 140px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } .grid2 > div { min-width: 0; }
.diff-only { background: #fdf6e8; } .diff-missing { color: var(--muted); font-style: italic; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0; } .card { border: 1px solid var(--border); border-radius: 4px; padding: 8px 16px; min-width: 150px; }
.card .n { font-size: 22px; font-weight: 600; display: block; }
figure.session-chart { margin: 8px 0; } figure.session-chart svg { display: block; max-width: 100%; height: auto; }
.session-chart text.lane { font-size: 13px; fill: var(--text); } .session-chart text.tick { font-size: 12px; fill: var(--muted); }
.session-chart .lane-line { stroke: var(--border); } .session-chart .axis { stroke: #89888d; }
.session-chart .span { fill: var(--blue-bg); stroke: var(--blue); } .session-chart .span.open { stroke-dasharray: 5 3; }
.mark-plan { fill: var(--purple); } .mark-decision { fill: var(--blue); } .mark-resource { fill: var(--green); }
.mark-pause { fill: var(--orange-bg); stroke: var(--orange); } .mark-alert { fill: var(--red); }
svg.chart rect.bar { fill: #1f75cb; } svg.chart text { font-size: 10px; fill: var(--muted); } svg.chart line { stroke: var(--border); }
svg.chart line.axis { stroke: #89888d; } svg.chart line.grid { stroke: var(--grey-bg); }
svg.chart rect.bar.s-completed { fill: var(--green); } svg.chart rect.bar.s-failed { fill: var(--red); } svg.chart rect.bar.s-stopped { fill: #c17d10; }
svg.chart rect.bar.s-running { fill: #1f75cb; } svg.chart rect.bar.s-paused { fill: var(--purple); } svg.chart rect.bar.s-created { fill: #89888d; }
.swatch.s-completed { background: var(--green); } .swatch.s-failed { background: var(--red); } .swatch.s-stopped { background: #c17d10; }
.swatch.s-running { background: #1f75cb; } .swatch.s-paused { background: var(--purple); } .swatch.s-created { background: #89888d; }
ul.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 4px 0; font-size: 13px; }
ul.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.signin { max-width: 420px; margin: 48px auto; border: 1px solid var(--border); border-radius: 4px; padding: 24px; }
.signin form { display: flex; flex-direction: column; gap: 8px; } .signin hr { border: 0; border-top: 1px solid var(--border); margin: 16px 0; }
.notice { color: var(--text); background: var(--orange-bg); padding: 8px 12px; border-radius: 4px; }
.table-scroll { overflow-x: auto; max-width: 100%; } form.inline { display: flex; gap: 6px; align-items: flex-end; flex-wrap: wrap; } form.inline label { display: flex; flex-direction: column; font-size: 12px; }
.error-box { color: var(--red); background: #fdf1ef; padding: 8px 12px; border-radius: 4px; }
ol.steps { padding-left: 20px; } ol.steps li { margin: 4px 0; }
h1, .chain, dl.facts dd { overflow-wrap: anywhere; }
td.wrap { overflow-wrap: anywhere; }
nav.tabs { display: flex; flex-wrap: wrap; gap: 4px; margin: 8px 0 12px; border-bottom: 1px solid var(--border); }
nav.tabs a { padding: 6px 12px; border-bottom: 2px solid transparent; color: var(--text); } nav.tabs a[aria-current=page] { border-bottom-color: #1f75cb; font-weight: 600; }
nav.tabs .count { display: inline-block; min-width: 20px; padding: 0 6px; border-radius: 10px; background: var(--grey-bg); font-size: 12px; text-align: center; }
ul.alert-list { list-style: none; padding: 0; margin: 8px 0; }
li.alert-item { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 340px); gap: 8px 16px; border: 1px solid var(--border); border-left: 4px solid var(--red); border-radius: 0 4px 4px 0; padding: 8px 12px; margin: 8px 0; }
li.alert-item.s-acknowledged { border-left-color: var(--orange); } li.alert-item.s-resolved { border-left-color: var(--green); }
li.alert-item h3 { font-size: 15px; margin: 0 0 2px; overflow-wrap: anywhere; } li.alert-item p.what { margin: 0 0 4px; overflow-wrap: anywhere; }
li.alert-item dl.facts { grid-template-columns: 90px minmax(0, 1fr); gap: 2px 12px; margin: 4px 0; } li.alert-item dl.facts dd { overflow-wrap: anywhere; }
li.alert-item .steps { display: flex; flex-direction: column; gap: 8px; } li.alert-item form.inline label { flex: 1 1 180px; min-width: 0; } li.alert-item form.inline input { width: 100%; }
@media (max-width: 800px) { main { padding: 12px 12px 32px; } li.alert-item { grid-template-columns: minmax(0, 1fr); } dl.facts { grid-template-columns: 150px minmax(0, 1fr); } .grid2 { grid-template-columns: minmax(0, 1fr); } }
`;

/** Relative times ("3 hours ago") kept fresh; the exact time stays in the title. Everything works without it. */
export const APP_JS = `
(function () {
  var units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]];
  function rel(iso) {
    var s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    var future = s < 0; s = Math.abs(s);
    if (s < 45) return future ? 'in a few seconds' : 'just now';
    for (var i = 0; i < units.length; i++) {
      var n = Math.floor(s / units[i][1]);
      if (n >= 1) { var w = n + ' ' + units[i][0] + (n > 1 ? 's' : ''); return future ? 'in ' + w : w + ' ago'; }
    }
    return future ? 'in a minute' : 'a minute ago';
  }
  function refresh() {
    var nodes = document.querySelectorAll('time[data-relative]');
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = rel(nodes[i].getAttribute('datetime'));
  }
  refresh(); setInterval(refresh, 60000);
})();
`;

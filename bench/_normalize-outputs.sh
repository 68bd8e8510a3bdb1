#!/bin/bash
# The normalize outputs a change to src/normalize or src/content must leave byte-identical (issue 22):
# `syndicate normalize --jsonl` (the checkout's build: run `npm run build` first) over the 85 pages of the articles
# corpus, every test fixture body wrapped as a JSON Feed entry (plain-text bodies both as content_text and as the
# <p> HTML bench/normalize.ts makes of the seed), the markup attacks of tests/fixtures/xss, and the feeds corpus
# files. Writes OUT/out.jsonl and OUT/masked.jsonl (the run's own time stamps, which stand in for missing dates,
# masked; the inputs go to one fixed folder, NORMALIZE_INPUTS). Compare two runs with `cmp A/masked.jsonl B/masked.jsonl`.
#   bench/_normalize-outputs.sh /tmp/before   (then change, build, run again into /tmp/after)
set -euo pipefail
OUT=${1:?usage: bench/_normalize-outputs.sh OUTDIR}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
# The inputs always at one place: a page without an address of its own is identified by its file's URL.
IN=${NORMALIZE_INPUTS:-${TMPDIR:-/tmp}/syndicate-normalize-inputs}
# The days of this run: a date-less entry is stamped with the run's time, masked below (other dates are compared).
DAYS="$(date -u +%Y-%m-%d)|$(date -u -d '+1 day' +%Y-%m-%d)"
mkdir -p "$OUT" && rm -rf "$IN" && mkdir -p "$IN/articles" "$IN/fixtures" "$IN/feeds"
for f in "$CORPORA"/articles/html/*.html.gz; do gunzip -c "$f" > "$IN/articles/$(basename "$f" .gz)"; done
cp -r "$CORPORA"/feeds/files/* "$IN/feeds/"
FIXTURES=$ROOT/tests/fixtures OUTDIR=$IN/fixtures node -e '
const fs = require("fs"), path = require("path");
const root = process.env.FIXTURES, out = process.env.OUTDIR;
const feed = (name, items) => fs.writeFileSync(path.join(out, name + ".json"), JSON.stringify({ version: "https://jsonfeed.org/version/1.1", title: "Fixtures", home_page_url: "https://fixtures.example/", items }));
function wrap(file) {
  const rel = path.relative(root, file).replace(/[\/]/g, "__");
  const labelsFile = file.replace(/\.(html|txt)$/, ".json");
  const labels = fs.existsSync(labelsFile) ? JSON.parse(fs.readFileSync(labelsFile, "utf8")) : {};
  const body = fs.readFileSync(file, "utf8");
  const base = { id: rel, url: "https://fixtures.example/" + rel, title: labels.title || rel, date_published: "2025-06-10T09:00:00Z", language: labels.language };
  if (file.endsWith(".html")) return feed(rel, [{ ...base, content_html: body }]);
  feed(rel + "-text", [{ ...base, content_text: body }]);
  const html = body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean).map((p) => "<p>" + p.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</p>").join("\n");
  feed(rel + "-html", [{ ...base, content_html: html }]);
}
(function walk(dir) { for (const f of fs.readdirSync(dir)) { const p = path.join(dir, f); if (fs.statSync(p).isDirectory()) walk(p); else if (/\.(html|txt)$/.test(f)) wrap(p); } })(root);
const attacks = JSON.parse(fs.readFileSync(path.join(root, "xss/attacks.json"), "utf8")).attacks.filter((a) => a.kind === "markup");
feed("xss", attacks.map((a) => ({ id: a.id, url: "https://x.example/" + a.id, title: "T " + a.id, content_html: "<p>Before.</p>" + a.payload + "<p>After the payload, a paragraph of prose text.</p>" })));
'
cd "$ROOT"
find "$IN" -type f | sort > "$OUT/list.txt"
: > "$OUT/out.jsonl"
xargs -a "$OUT/list.txt" -n 60 node bin/syndicate.js normalize --jsonl >> "$OUT/out.jsonl" 2>> "$OUT/stderr.txt" || true
sed -E -e "s/\"($DAYS)T[0-9:.]+Z\"/\"T\"/g" "$OUT/out.jsonl" > "$OUT/masked.jsonl"
wc -l < "$OUT/masked.jsonl"

// A self-contained docs page: renders /openapi.json in the browser with no external assets,
// so it works offline under `npm start` and needs no CDN in production.
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Speculative diffusion sampling: API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  h2 { margin-top: 2.5rem; } code, pre { font: 13px ui-monospace, monospace; }
  pre { background: #f5f5f5; padding: .75rem; overflow-x: auto; border-radius: 4px; }
  .m { display: inline-block; min-width: 3.5rem; font-weight: 700; text-transform: uppercase; }
  details { margin: .25rem 0 .75rem; } summary { cursor: pointer; }
</style>
</head>
<body>
<h1 id="title">API</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Try:</p>
<pre>curl -s localhost:8787/v1/samples -H 'content-type: application/json' \\
  -d '{"model": "glyphs", "num_samples": 16, "output": "png"}' -o samples.png</pre>
<div id="paths">Loading /openapi.json ...</div>
<h2>Schemas</h2>
<div id="schemas"></div>
<script>
const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
const block = (label, value) => {
  const d = el("details"); d.append(el("summary", label), el("pre", JSON.stringify(value, null, 2))); return d;
};
fetch("/openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  const paths = document.getElementById("paths"); paths.textContent = "";
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const h = el("h2"); const m = el("span", method); m.className = "m"; h.append(m, el("code", path)); paths.append(h);
      if (op.summary) paths.append(el("p", op.summary + (op.description ? ": " + op.description : "")));
      const body = op.requestBody && op.requestBody.content["application/json"];
      if (body) paths.append(block("Request body", body.schema));
      for (const [status, res] of Object.entries(op.responses)) {
        paths.append(block(status + " " + res.description, res.content ? Object.keys(res.content) : "no body"));
      }
    }
  }
  const schemas = document.getElementById("schemas");
  for (const [name, schema] of Object.entries((doc.components || {}).schemas || {})) schemas.append(block(name, schema));
}).catch((e) => { document.getElementById("paths").textContent = "Could not load /openapi.json: " + e; });
</script>
</body>
</html>
`;

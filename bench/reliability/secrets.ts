// Secrets: every echo-provider variant (echo-provider.ts), with the credential as a Bearer token and as a
// bare x-api-key, asked for JSON and for a stream through the Worker in Miniflare. The token must never
// appear in an answer (status text, headers, body), and every answer must keep the error contract.
import type { Miniflare } from "miniflare";
import { ECHO_VARIANTS, type EchoProvider } from "./echo-provider.ts";
import { contractProblems, label, send, utf8 } from "./http.ts";
import { SAMPLES_PATH } from "./bodies.ts";

export async function secretsSection(mf: Miniflare, echo: EchoProvider, tokens: string[], timeoutMs: number, log: (s: string) => void): Promise<{ problems: string[]; md: string; leaks: number }> {
  const problems: string[] = [];
  const lines: string[] = [];
  let leaks = 0;
  const before = echo.sawToken();
  for (const [variant, what] of Object.entries(ECHO_VARIANTS)) {
    const cells: string[] = [];
    const variantLeaks: { body: string; how: string; answer: string }[] = [];
    for (const prefix of ["echo-", "echo-key-"]) {
      for (const stream of [false, true]) {
        const model = `${prefix}${variant}`;
        const body = JSON.stringify({ model, num_samples: 2, steps: 5, method: "sequential", seed: 1, ...(stream ? { stream: true } : {}) });
        const a = await send(mf, SAMPLES_PATH, { headers: { "content-type": "application/json" }, body }, timeoutMs);
        const text = `${a.status}\n${[...a.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${utf8.decode(a.bytes)}`;
        const leaked = tokens.filter((t) => text.includes(t));
        if (leaked.length) {
          leaks++;
          variantLeaks.push({ body, how: `${prefix === "echo-" ? "Bearer" : "x-api-key"}${stream ? " stream" : " JSON"}`, answer: `${label(a)}: ${utf8.decode(a.bytes).replace(/\s+/g, " ").slice(0, 260)}` });
        }
        problems.push(...contractProblems(a).map((p) => `${model}${stream ? " (stream)" : ""}: ${p}`));
        cells.push(`${label(a)}${leaked.length ? " **LEAK**" : ""}`);
      }
    }
    // One problem per variant: which credential forms and formats leaked, and the first answer in full.
    if (variantLeaks.length) {
      const first = variantLeaks[0];
      problems.push(`SECRET LEAK (provider that ${what}; leaked in ${variantLeaks.map((l) => l.how).join(", ")}): POST /v1/samples ${first.body} answered ${first.answer}`);
    }
    lines.push(`| ${variant} | ${what} | ${cells.join(" | ")} |`);
  }
  const sent = echo.sawToken() - before;
  log(`secrets: ${Object.keys(ECHO_VARIANTS).length * 4} requests, the provider received the token ${sent} times, ${leaks} answers contained it`);
  if (sent === 0) problems.push("secrets: the echo provider never received the token (the check proves nothing)");
  const md = [
    `Echo provider on 127.0.0.1; ${Object.keys(ECHO_VARIANTS).length} variants x 2 credentials (secret PROVIDER_TOKEN sent as \`Authorization: Bearer <token>\`; secret PROVIDER_KEY sent bare in \`x-api-key\`) x JSON/stream. ` +
      `The provider received the credential in ${sent} requests; **${leaks}** answers contained it (status line, headers or body).`,
    "",
    "| variant | what the provider does | Bearer, JSON | Bearer, stream | x-api-key, JSON | x-api-key, stream |",
    "|---|---|---|---|---|---|",
    ...lines,
  ].join("\n");
  return { problems, md, leaks };
}

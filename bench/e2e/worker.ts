// Starts the dry-run bundle (dist/, or --dist DIR) in Miniflare with the given bindings, offline; the
// code lives in tools/fixtures/bundle.ts, which the jobs tests share (tests do not import from bench/).
export { startBundle } from "../../tools/fixtures/bundle.ts";

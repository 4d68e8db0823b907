// Files imported as text (import ... with { type: "text" }): esbuild, wrangler's bundler, inlines them as strings.
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui.css" {
  const text: string;
  export default text;
}

// Single source of the service version reported by /v1/health (kept equal to package.json by a test).
export const VERSION = "0.1.0";

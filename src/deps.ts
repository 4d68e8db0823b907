// What the app is built from: the compiled core module and the remote providers this build bundles.
// Its own file so that routes can take it without importing the app that mounts them.
import type { RemoteProviders } from "./api/denoiser.ts";
import type { SettingsChecks } from "./config/index.ts";

export interface AppDeps {
  coreModule: WebAssembly.Module;
  /** Remote denoiser adapters this build bundles (e.g. oip); embedded models need none. */
  providers?: RemoteProviders;
  /** Each bundled provider's settings check (e.g. oip: oipConfigOf), run once per MODELS value
   * when the catalog loads, so that a bad entry is listed as unavailable instead of failing at use. */
  settingsChecks?: SettingsChecks;
}

/** Runtime configuration served next to the app (`/config.json`), so one build fits every deployment. */
export interface RuntimeConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Set by the local runtime (Cognito emulator); absent in AWS. */
  readonly cognitoEndpoint?: string;
}

let loaded: Promise<RuntimeConfig> | undefined;

export function loadConfig(): Promise<RuntimeConfig> {
  loaded ??= fetch('/config.json', { headers: { accept: 'application/json' }, cache: 'no-store' }).then(async (res) => {
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    return (await res.json()) as RuntimeConfig;
  });
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

/**
 * The web app's public URL, for links in emails and form snippets. Deployed stacks pass it as APP_URL, or
 * (when CloudFront's URL is only known after the first deploy) as the name of an SSM parameter holding it.
 */
import { config } from './config.ts';

let fromParameter: Promise<string> | undefined;

export async function appUrl(): Promise<string> {
  const where = config.appUrl();
  if (!where) return '';
  if ('url' in where) return where.url;
  const name = where.parameter;
  fromParameter ??= import('@aws-sdk/client-ssm').then(async ({ SSMClient, GetParameterCommand }) => {
    const res = await new SSMClient({}).send(new GetParameterCommand({ Name: name }));
    return (res.Parameter?.Value ?? '').replace(/\/$/, '');
  });
  return fromParameter;
}

/** The origin the browser called us from (same-origin SPA behind CloudFront), when the request says. */
export function requestOrigin(headers: Readonly<Record<string, string>>): string | undefined {
  for (const h of [headers.origin, headers.referer]) {
    if (!h) continue;
    try {
      return new URL(h).origin;
    } catch {
      /* not a URL */
    }
  }
  return undefined;
}

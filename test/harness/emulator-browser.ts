/**
 * A stand-in browser for the emulator's sign-in pages: follows redirects,
 * keeps cookies, fills Entra's fields (`loginfmt`, `passwd`, `otc`) and
 * delivers the result to the redirect URI (query or form_post), as a person in
 * Chromium would. Fast enough for every test; one e2e per flow uses Chromium.
 */
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

export interface Credentials {
  username: string;
  password: string;
  /** The second factor, asked for when Conditional Access requires MFA. */
  mfaCode?: string;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  url: string;
}

/** The sign-in page showed an error (the message carries the AADSTS code). */
export class SignInPageError extends Error {}

export class StandInBrowser {
  private readonly cookies = new Map<string, string>();
  /** Keep-alive like a browser; idle sockets are unref'd by Node, so they never hold a process open. */
  private readonly agent: Agent;

  constructor(caPem: string) {
    this.agent = new Agent({ keepAlive: true, ca: caPem });
  }

  request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    const headers: Record<string, string> = { 'user-agent': 'kentra-test-browser/1.0' };
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (this.cookies.size > 0 && target.protocol === 'https:') {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        target,
        {
          method: init.method ?? (body ? 'POST' : 'GET'),
          headers,
          agent: target.protocol === 'https:' ? this.agent : false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const cookie of [res.headers['set-cookie'] ?? []].flat()) {
              const [pair] = cookie.split(';');
              const index = pair?.indexOf('=') ?? -1;
              if (pair && index > 0) this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
            }
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              url,
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET with redirects followed; stops at a non-https (client) redirect target without requesting it. */
  async navigate(url: string, init: { form?: Record<string, string> } = {}): Promise<Response> {
    let response = await this.request(url, init);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 10; hops += 1) {
      const location = new URL(String(response.headers.location), response.url).toString();
      if (!location.startsWith('https:')) return { ...response, url: location };
      response = await this.request(location);
    }
    return response;
  }

  /**
   * Signs in on the page at `url` (an authorize URL or the device-code page after the code) and
   * returns the parameters delivered to the redirect URI (code, state, error, ...). The redirect
   * itself is delivered too, so a loopback listener such as msal-node's receives it.
   */
  async signIn(url: string, credentials: Credentials, first?: Response): Promise<URLSearchParams> {
    let page = first ?? (await this.navigate(url));
    for (let step = 0; step < 8; step += 1) {
      if (page.status >= 300 && page.status < 400) return this.deliverRedirect(page.url);
      const html = page.body;
      if (/name="hiddenform"/.test(html)) return this.deliverFormPost(html, page.url);
      const error = /id="(?:errorText|usernameError)"[^>]*>([^<]*)</.exec(html)?.[1];
      if (error) throw new SignInPageError(decode(error));
      if (/id="message"/.test(html)) return new URLSearchParams();
      const form = parseForm(html, page.url);
      if ('otc' in form.fields && form.fields.ctx !== undefined) {
        if (!credentials.mfaCode)
          throw new SignInPageError('the sign-in page asks for a second factor (mfaCode)');
        form.fields.otc = credentials.mfaCode;
      } else if ('passwd' in form.fields) {
        form.fields.passwd = credentials.password;
      } else if ('loginfmt' in form.fields) {
        form.fields.loginfmt = credentials.username;
      } else {
        throw new SignInPageError(`unexpected page: ${html.slice(0, 200)}`);
      }
      page = await this.navigate(form.action, { form: form.fields });
    }
    throw new SignInPageError('sign-in did not finish in 8 steps');
  }

  /** Enters a device code on the verification page, then signs in. */
  async approveDeviceCode(
    verificationUri: string,
    userCode: string,
    credentials: Credentials,
  ): Promise<void> {
    const page = await this.navigate(verificationUri, { form: { otc: userCode } });
    await this.signIn(verificationUri, credentials, page);
  }

  private async deliverRedirect(location: string): Promise<URLSearchParams> {
    const target = new URL(location);
    const params = new URLSearchParams(target.hash ? target.hash.slice(1) : target.search);
    if (target.protocol === 'http:') await this.request(location).catch(() => undefined);
    return params;
  }

  private async deliverFormPost(html: string, pageUrl: string): Promise<URLSearchParams> {
    const form = parseForm(html, pageUrl);
    if (new URL(form.action).protocol === 'http:') await this.request(form.action, { form: form.fields });
    return new URLSearchParams(form.fields);
  }
}

function decode(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
}

function parseForm(html: string, pageUrl: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new SignInPageError('no form on the page');
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input([^>]*)>/g)) {
    const attrs = input[1] ?? '';
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    fields[decode(name)] = decode(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
  }
  return { action: new URL(decode(action), pageUrl).toString(), fields };
}

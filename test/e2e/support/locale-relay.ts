/**
 * The Agents Playground 0.2.28 stamps every activity it sends with `locale: "en-US"` (and the same
 * in its clientInfo entity): it has no setting for the user's Teams language. This relay on
 * 127.0.0.1 sits between the playground and the bot and, while `locale` is set, writes that tag
 * where Teams puts a client's language (activity.locale and clientInfo.locale). Nothing else of
 * the activity, its headers or the bot's answer is touched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocaleRelay {
  /** The endpoint to give the playground as --app-endpoint. */
  readonly endpoint: string;
  /** The Teams language to stamp on activities; undefined passes them unchanged. */
  locale: string | undefined;
  close(): Promise<void>;
}

function withLocale(body: Buffer, locale: string): Buffer {
  const activity = JSON.parse(body.toString('utf8')) as { locale?: string; entities?: Array<Record<string, unknown>> };
  activity.locale = locale;
  for (const entity of activity.entities ?? []) if (entity.type === 'clientInfo') entity.locale = locale;
  return Buffer.from(JSON.stringify(activity), 'utf8');
}

export async function startLocaleRelay(target: string): Promise<LocaleRelay> {
  const to = new URL(target);
  const relay: { locale: string | undefined } = { locale: undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = relay.locale !== undefined && raw.length > 0 ? withLocale(raw, relay.locale) : raw;
      const headers = { ...req.headers, host: to.host, 'content-length': String(body.length) };
      const forward = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}${to.pathname}`,
    get locale() {
      return relay.locale;
    },
    set locale(value) {
      relay.locale = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

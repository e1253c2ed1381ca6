/**
 * The configured exporters, end to end on 127.0.0.1: APPLICATIONINSIGHTS_CONNECTION_STRING with its
 * IngestionEndpoint pointed at a local recorder gets the bot's metrics and spans as Azure Monitor
 * envelopes (flushed by the graceful stop); METRICS_PROMETHEUS_PORT serves Prometheus text on its
 * own loopback port and never on the bot's public port.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { systemClock } from '../../../src/core/clock';
import { silentLogger } from '../../../src/core/logger';
import { SimulatorServer } from '../../../tools/simulator/server';
import { scriptedJobs } from '../../../tools/simulator/spec';
import { startBotHarness } from '../../support/bot-harness';
import { RecordingConnector } from '../../support/recording-connector';
import { channelMessage, postActivity } from '../../support/teams-activities';
import { startBot } from '../scaleout/bot-process';

const SUB = '6e5d4c3b-2a19-4807-9f6e-5d4c3b2a1908';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A throw-away self-signed certificate for 127.0.0.1 (the exporter always speaks https). */
function selfSignedCert(): { key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bj-tls-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
      {
        stdio: 'ignore',
      },
    );
    return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** An Application Insights ingestion endpoint on loopback (https): keeps every envelope posted to /v2.1/track. */
async function ingestionRecorder(): Promise<{ url: string; envelopes: Array<Record<string, unknown>>; close(): Promise<void> }> {
  const envelopes: Array<Record<string, unknown>> = [];
  const server = https.createServer(selfSignedCert(), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      if (req.url?.startsWith('/v2.1/track')) {
        const parsed = JSON.parse(body.toString('utf8')) as unknown;
        envelopes.push(...(Array.isArray(parsed) ? (parsed as Array<Record<string, unknown>>) : [parsed as Record<string, unknown>]));
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      const count = envelopes.length;
      res.end(JSON.stringify({ itemsReceived: count, itemsAccepted: count, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Azure Monitor export (APPLICATIONINSIGHTS_CONNECTION_STRING)', () => {
  /**
   * The real bot in a child process, as a host runs it (the exporter's own timers and dynamic
   * imports run in plain Node, not in jest's sandbox). The exporter reads two more keys from the
   * environment itself: trust the recorder's certificate, and send no SDK usage statistics
   * (statsbeat goes to Microsoft's endpoint, not the configured one; off here to stay on loopback).
   */
  it('sends the metrics and the spans of a tracked job to the ingestion endpoint; the SIGTERM stop flushes them', async () => {
    const ingestion = await ingestionRecorder();
    const jobs = scriptedJobs({ subscriptionId: SUB, resourceGroup: 'rg', vaultName: 'vault', start: Date.now() });
    const sim = new SimulatorServer({ clock: systemClock, jobs, logger: silentLogger() });
    const connector = await RecordingConnector.start();
    try {
      const bot = await startBot('appinsights', {
        AZURE_SUBSCRIPTION_ID: SUB,
        BACKUP_VAULTS: 'rg/vault',
        ARM_ENDPOINT: await sim.start(0, '127.0.0.1'),
        ARM_AUTH: 'none',
        PORT: '0',
        STATE_STORE: 'sqlite::memory:',
        APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=11111111-2222-3333-4444-555555555555;IngestionEndpoint=${ingestion.url}`,
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
        APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
        APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
      });
      try {
        const job = jobs.find((j) => j.startAt <= Date.now())!;
        expect((await postActivity(bot.url, channelMessage(`track job ${job.jobId}`, { serviceUrl: connector.serviceUrl }))).status).toBe(
          200,
        );
        await connector.waitFor(() => connector.activities[0], 60_000, 'the job card');
      } finally {
        bot.signal('SIGTERM');
      }
      expect(await bot.exited).toEqual({ code: 0, signal: null });
      const text = JSON.stringify(ingestion.envelopes);
      // Metrics (MetricData) with our names, and request/dependency telemetry from the spans.
      expect(text).toContain('backupjobs.arm.requests');
      expect(text).toContain('backupjobs.commands');
      expect(ingestion.envelopes.some((e) => JSON.stringify(e['data']).includes('command trackJob'))).toBe(true);
      // The instrumentation key is the one configured, so the data lands in that resource.
      expect(new Set(ingestion.envelopes.map((e) => e['iKey']))).toEqual(new Set(['11111111-2222-3333-4444-555555555555']));
    } finally {
      await connector.close();
      await sim.stop();
      await ingestion.close();
    }
  }, 120_000);
});

describe('Prometheus text (METRICS_PROMETHEUS_PORT)', () => {
  it('serves /metrics on its own loopback port, not on the bot port', async () => {
    const port = await freePort();
    const h = await startBotHarness({ env: { METRICS_PROMETHEUS_PORT: String(port) } });
    try {
      expect(h.app.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`);
      const job = h.jobs.find((j) => j.entityFriendlyName === 'vm-web-01' && j.operation === 'Backup')!;
      expect((await h.send(channelMessage(`track job ${job.jobId}`, { serviceUrl: h.connector.serviceUrl }))).status).toBe(200);
      const res = await fetch(h.app.metricsUrl!);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^backupjobs_commands_total\{[^}]*command="trackJob"[^}]*\} 1$/m);
      expect(text).toMatch(/^backupjobs_jobs_tracked\{[^}]*\} 1$/m);
      expect((await fetch(`${h.app.url}/metrics`)).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});

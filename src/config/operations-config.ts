/**
 * The keys of running the bot in production (config.ts FIELDS): the stop bound and the telemetry
 * exporters (README "Operating").
 */
import { z } from 'zod';

export const OPERATIONS_FIELDS = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: [
    z
      .string()
      .default('')
      .refine((s) => s === '' || /(?:^|;)\s*InstrumentationKey=[0-9a-f-]{36}/i.test(s)),
    'an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…), or empty',
  ],
  METRICS_PROMETHEUS_PORT: [z.coerce.number().int().min(1).max(65535).optional(), 'empty (off) or a port 1–65535 other than PORT'],
  METRICS_PROMETHEUS_HOST: [z.string().min(1).default('127.0.0.1'), 'the interface for the Prometheus port (default 127.0.0.1)'],
  STOP_TIMEOUT_SECONDS: [z.coerce.number().min(1).max(300).default(20), 'a number of seconds between 1 and 300'],
} as const;

export interface OperationsConfig {
  /**
   * SIGTERM to exit, at most: the host's grace period minus a margin (Container Apps and App Service
   * wait 30 s before they kill). Work still running at the bound is left to the restart or the other instances.
   */
  readonly stopTimeoutMs: number;
  /** Exporters; with none set no telemetry code is loaded. */
  readonly telemetry: {
    /** APPLICATIONINSIGHTS_CONNECTION_STRING; empty = no Azure Monitor export. */
    readonly connectionString: string;
    /** Prometheus text on its own port (never PORT: it has no authentication), loopback unless told otherwise. */
    readonly prometheus?: { readonly port: number; readonly host: string };
  };
}

interface OperationsKeys {
  readonly PORT: number;
  readonly APPLICATIONINSIGHTS_CONNECTION_STRING: string;
  readonly METRICS_PROMETHEUS_PORT?: number;
  readonly METRICS_PROMETHEUS_HOST: string;
  readonly STOP_TIMEOUT_SECONDS: number;
}

/** The operations part of the Config, or the key that is wrong (as readActions does). */
export function readOperations(
  v: OperationsKeys,
): OperationsConfig | { readonly invalid: string; readonly expected: string; readonly got: string } {
  // The Prometheus text has no authentication: never on the port Teams reaches.
  if (v.METRICS_PROMETHEUS_PORT !== undefined && v.METRICS_PROMETHEUS_PORT === v.PORT) {
    return {
      invalid: 'METRICS_PROMETHEUS_PORT',
      expected: 'a port other than PORT: the metrics endpoint has no authentication',
      got: String(v.METRICS_PROMETHEUS_PORT),
    };
  }
  return {
    stopTimeoutMs: v.STOP_TIMEOUT_SECONDS * 1000,
    telemetry: {
      connectionString: v.APPLICATIONINSIGHTS_CONNECTION_STRING,
      ...(v.METRICS_PROMETHEUS_PORT === undefined
        ? {}
        : { prometheus: { port: v.METRICS_PROMETHEUS_PORT, host: v.METRICS_PROMETHEUS_HOST } }),
    },
  };
}

// Maps the extension's VS Code settings to what the server reads. Pure: the
// settings are read through a getter so tests need no VS Code.

import { expandUserPath } from './server-path';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What the server receives, both as `initializationOptions` and as `didChangeConfiguration` settings. */
export interface ServerSettings {
  dstack: {
    /** null means "the server's default" (and clears a path sent before). */
    catalog: { path: string | null };
    /**
     * Live offers from a dstack server. null means "not set here": the server then uses
     * DSTACK_SERVER_URL / DSTACK_PROJECT / DSTACK_TOKEN, else ~/.dstack/config.yml
     * (and REQUESTS_CA_BUNDLE / SSL_CERT_FILE for caFile).
     */
    live: { enabled: boolean; url: string | null; project: string | null; token: string | null; caFile: string | null };
    offers: { enabled: boolean };
    log: { level: LogLevel };
  };
}

/** Reads one key below the `dstack` section (e.g. `catalog.path`); undefined when unset. */
export type SettingGetter = (key: string) => unknown;

export interface PathContext {
  homeDir: string;
  workspaceDir?: string;
  platform: string;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** A non-blank string, trimmed; anything else is null. */
function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function logLevel(value: unknown): LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value) ? (value as LogLevel) : 'info';
}

export function serverSettings(get: SettingGetter, ctx: PathContext): ServerSettings {
  const catalog = get('catalog.path');
  const caFile = text(get('live.caFile'));
  const settings: ServerSettings = {
    dstack: {
      catalog: { path: null },
      live: {
        enabled: bool(get('live.enabled'), false),
        url: text(get('live.url')),
        project: text(get('live.project')),
        token: text(get('live.token')),
        caFile: caFile === null ? null : expandUserPath(caFile, ctx.homeDir, ctx.workspaceDir, ctx.platform),
      },
      offers: { enabled: bool(get('offers.enabled'), true) },
      log: { level: logLevel(get('log.level')) },
    },
  };
  if (typeof catalog === 'string' && catalog.trim() !== '') {
    settings.dstack.catalog.path = expandUserPath(catalog, ctx.homeDir, ctx.workspaceDir, ctx.platform);
  }
  return settings;
}

/**
 * Answers one item of a `workspace/configuration` request: `dstack` gives the
 * whole section, `dstack.offers` a part of it, anything else null.
 */
export function configurationItem(settings: ServerSettings, section: string | undefined): unknown {
  if (section === undefined || section === '') {
    return settings;
  }
  let node: unknown = settings;
  for (const part of section.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) {
      return null;
    }
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Settings that only take effect after the server is started again. */
export function needsRestart(changed: (section: string) => boolean): boolean {
  return changed('dstack.server.path') || changed('dstack.trace.server');
}

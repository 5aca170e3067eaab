// Where the dstack-lsp binary comes from. Pure: every effect (file checks,
// environment) is passed in, so the order of the lookup can be unit-tested.

import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'venv' | 'path';

export interface FoundServer {
  kind: 'found';
  command: string;
  source: ServerSource;
}

export interface MissingServer {
  kind: 'missing';
  /** 'setting': `dstack.server.path` points nowhere; 'none': nothing found anywhere. */
  reason: 'setting' | 'none';
  /** What went wrong and how to fix it, ready to show to the user. */
  message: string;
}

export type ServerLookup = FoundServer | MissingServer;

export interface LookupInput {
  /** Value of the `dstack.server.path` setting ('' when unset). */
  configured: string;
  /** Folder the extension is installed in (holds `server/<platform>-<arch>/`). */
  extensionDir: string;
  /** First workspace folder: resolves a relative `dstack.server.path` and holds `.venv`/`venv`. */
  workspaceDir?: string;
  platform: string;
  arch: string;
  /** The PATH environment variable. */
  envPath: string;
  /** The VIRTUAL_ENV environment variable ('' or undefined when no virtualenv is active). */
  virtualEnv?: string;
  homeDir: string;
  /** True when `file` exists and is a regular file we may run. */
  isExecutable: (file: string) => boolean;
}

/** The README section with the install commands; the "missing server" notification opens it. */
export const INSTALL_GUIDE_URL =
  'https://github.com/dstack-lsp/dstack-lsp/blob/main/editors/vscode/README.md#install-the-server';

export const INSTALL_COMMANDS = ['uv tool install dstack-lsp', 'pip install dstack-lsp'];

export function binaryName(platform: string): string {
  return platform === 'win32' ? 'dstack-lsp.exe' : 'dstack-lsp';
}

function pathApi(platform: string): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `server/<platform>-<arch>/dstack-lsp`: the layout `scripts/package.sh --server` writes into the VSIX. */
export function bundledServerPath(extensionDir: string, platform: string, arch: string): string {
  return pathApi(platform).join(extensionDir, 'server', `${platform}-${arch}`, binaryName(platform));
}

/** Expands a leading `~` and makes relative paths relative to the workspace folder. */
export function expandUserPath(value: string, homeDir: string, workspaceDir: string | undefined, platform: string): string {
  const p = pathApi(platform);
  let v = value.trim();
  if (v === '~') {
    v = homeDir;
  } else if (v.startsWith('~/') || (platform === 'win32' && v.startsWith('~\\'))) {
    v = p.join(homeDir, v.slice(2));
  }
  if (!p.isAbsolute(v) && workspaceDir) {
    v = p.join(workspaceDir, v);
  }
  return v;
}

/**
 * Where `pip install dstack-lsp` into a virtualenv puts the binary: the workspace's
 * `.venv` (uv's default) and `venv`, then the active `$VIRTUAL_ENV`.
 */
export function venvCandidates(input: Pick<LookupInput, 'workspaceDir' | 'virtualEnv' | 'platform'>): string[] {
  const p = pathApi(input.platform);
  const scripts = input.platform === 'win32' ? 'Scripts' : 'bin';
  const roots: string[] = [];
  if (input.workspaceDir) {
    roots.push(p.join(input.workspaceDir, '.venv'), p.join(input.workspaceDir, 'venv'));
  }
  if (input.virtualEnv && input.virtualEnv.trim() !== '') {
    roots.push(input.virtualEnv.trim());
  }
  return roots.map((root) => p.join(root, scripts, binaryName(input.platform)));
}

/**
 * Order: the setting (an explicit choice wins, and a wrong one is reported rather than
 * silently replaced), the binary shipped in a platform VSIX, the workspace's virtualenv,
 * then PATH.
 */
export function findServer(input: LookupInput): ServerLookup {
  const { platform } = input;
  if (input.configured.trim() !== '') {
    const command = expandUserPath(input.configured, input.homeDir, input.workspaceDir, platform);
    if (input.isExecutable(command)) {
      return { kind: 'found', command, source: 'setting' };
    }
    return {
      kind: 'missing',
      reason: 'setting',
      message:
        `dstack.server.path is set to "${input.configured}", but no executable file is there. ` +
        'Point the setting at a dstack-lsp binary, or clear it to use the bundled binary, a virtualenv or PATH.',
    };
  }

  const bundled = bundledServerPath(input.extensionDir, platform, input.arch);
  if (input.isExecutable(bundled)) {
    return { kind: 'found', command: bundled, source: 'bundled' };
  }

  for (const candidate of venvCandidates(input)) {
    if (input.isExecutable(candidate)) {
      return { kind: 'found', command: candidate, source: 'venv' };
    }
  }

  const name = binaryName(platform);
  const p = pathApi(platform);
  for (const dir of input.envPath.split(platform === 'win32' ? ';' : ':')) {
    if (dir === '') {
      continue;
    }
    const candidate = p.join(dir, name);
    if (input.isExecutable(candidate)) {
      return { kind: 'found', command: candidate, source: 'path' };
    }
  }

  return {
    kind: 'missing',
    reason: 'none',
    message:
      `The dstack language server (${name}) is not installed. Install it with ` +
      `"${INSTALL_COMMANDS[0]}" or "${INSTALL_COMMANDS[1]}", then run "dstack: Restart server". ` +
      `(Looked in the extension for ${platform}-${input.arch}, the workspace's .venv and venv, $VIRTUAL_ENV and PATH.)`,
  };
}

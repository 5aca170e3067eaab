// Where the dstack-lsp binary comes from. Pure: every effect (file checks,
// environment) is passed in, so the order of the lookup can be unit-tested.

import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface FoundServer {
  kind: 'found';
  command: string;
  source: ServerSource;
}

export interface MissingServer {
  kind: 'missing';
  /** What went wrong and how to fix it, ready to show to the user. */
  message: string;
}

export type ServerLookup = FoundServer | MissingServer;

export interface LookupInput {
  /** Value of the `dstack.server.path` setting ('' when unset). */
  configured: string;
  /** Folder the extension is installed in (holds `server/<platform>-<arch>/`). */
  extensionDir: string;
  /** First workspace folder, used to resolve a relative `dstack.server.path`. */
  workspaceDir?: string;
  platform: string;
  arch: string;
  /** The PATH environment variable. */
  envPath: string;
  homeDir: string;
  /** True when `file` exists and is a regular file we may run. */
  isExecutable: (file: string) => boolean;
}

export function binaryName(platform: string): string {
  return platform === 'win32' ? 'dstack-lsp.exe' : 'dstack-lsp';
}

/** `server/<platform>-<arch>/dstack-lsp`: the layout `scripts/package.sh --server` writes into the VSIX. */
export function bundledServerPath(extensionDir: string, platform: string, arch: string): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.join(extensionDir, 'server', `${platform}-${arch}`, binaryName(platform));
}

/** Expands a leading `~` and makes relative paths relative to the workspace folder. */
export function expandUserPath(value: string, homeDir: string, workspaceDir: string | undefined, platform: string): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
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

/** Order: the setting, then the binary shipped in the VSIX, then PATH. */
export function findServer(input: LookupInput): ServerLookup {
  const { platform } = input;
  if (input.configured.trim() !== '') {
    const command = expandUserPath(input.configured, input.homeDir, input.workspaceDir, platform);
    if (input.isExecutable(command)) {
      return { kind: 'found', command, source: 'setting' };
    }
    return {
      kind: 'missing',
      message:
        `dstack.server.path is set to "${input.configured}", but no executable file is there. ` +
        'Point the setting at a dstack-lsp binary, or clear it to use the bundled binary or the one on PATH.',
    };
  }

  const bundled = bundledServerPath(input.extensionDir, platform, input.arch);
  if (input.isExecutable(bundled)) {
    return { kind: 'found', command: bundled, source: 'bundled' };
  }

  const name = binaryName(platform);
  const delimiter = platform === 'win32' ? ';' : ':';
  const p = platform === 'win32' ? path.win32 : path.posix;
  for (const dir of input.envPath.split(delimiter)) {
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
    message:
      `The dstack language server (${name}) was not found: this extension has no bundled binary ` +
      `for ${platform}-${input.arch}, and it is not on PATH. Build it with ` +
      '"cargo install --path server/ls" from a dstack-lsp checkout (or download a release), then either put it ' +
      'on PATH or set "dstack.server.path" to its full path, and run "dstack: Restart server".',
  };
}

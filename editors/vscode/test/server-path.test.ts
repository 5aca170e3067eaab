// Lookup order and error text of the server binary search.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  bundledServerPath,
  expandUserPath,
  findServer,
  INSTALL_COMMANDS,
  LookupInput,
  venvCandidates,
} from '../src/server-path';

function input(files: string[], over: Partial<LookupInput> = {}): LookupInput {
  return {
    configured: '',
    extensionDir: '/ext',
    workspaceDir: '/ws',
    platform: 'linux',
    arch: 'x64',
    envPath: '/usr/local/bin:/usr/bin',
    homeDir: '/home/u',
    isExecutable: (f) => files.includes(f),
    ...over,
  };
}

describe('findServer', () => {
  it('prefers the setting over the bundled binary and PATH', () => {
    const files = ['/opt/dstack-lsp', '/ext/server/linux-x64/dstack-lsp', '/usr/bin/dstack-lsp'];
    assert.deepEqual(findServer(input(files, { configured: '/opt/dstack-lsp' })), {
      kind: 'found',
      command: '/opt/dstack-lsp',
      source: 'setting',
    });
  });

  it('uses the bundled binary for the current platform before PATH', () => {
    const files = ['/ext/server/linux-x64/dstack-lsp', '/usr/bin/dstack-lsp'];
    assert.deepEqual(findServer(input(files)), {
      kind: 'found',
      command: '/ext/server/linux-x64/dstack-lsp',
      source: 'bundled',
    });
  });

  it('ignores a binary bundled for another platform', () => {
    const files = ['/ext/server/darwin-arm64/dstack-lsp', '/usr/bin/dstack-lsp'];
    assert.deepEqual(findServer(input(files)), { kind: 'found', command: '/usr/bin/dstack-lsp', source: 'path' });
  });

  it('searches PATH in order and skips empty entries', () => {
    const files = ['/usr/bin/dstack-lsp', '/usr/local/bin/dstack-lsp'];
    const found = findServer(input(files, { envPath: ':/usr/local/bin::/usr/bin' }));
    assert.equal(found.kind === 'found' && found.command, '/usr/local/bin/dstack-lsp');
  });

  it('resolves a relative setting against the workspace and ~ against home', () => {
    const rel = findServer(input(['/ws/target/release/dstack-lsp'], { configured: 'target/release/dstack-lsp' }));
    assert.equal(rel.kind === 'found' && rel.command, '/ws/target/release/dstack-lsp');
    const home = findServer(input(['/home/u/.cargo/bin/dstack-lsp'], { configured: '~/.cargo/bin/dstack-lsp' }));
    assert.equal(home.kind === 'found' && home.command, '/home/u/.cargo/bin/dstack-lsp');
  });

  it('does not fall back when the configured path is wrong, and names the setting', () => {
    const found = findServer(input(['/usr/bin/dstack-lsp'], { configured: '/nope/dstack-lsp' }));
    assert.equal(found.kind, 'missing');
    assert.match(found.kind === 'missing' ? found.message : '', /dstack\.server\.path is set to "\/nope\/dstack-lsp"/);
  });

  it('tells the exact install commands when nothing is found', () => {
    const found = findServer(input([]));
    assert.equal(found.kind, 'missing');
    assert.equal(found.kind === 'missing' && found.reason, 'none');
    const message = found.kind === 'missing' ? found.message : '';
    assert.match(message, /not installed/);
    assert.ok(message.includes('"uv tool install dstack-lsp"'), message);
    assert.ok(message.includes('"pip install dstack-lsp"'), message);
    assert.match(message, /Restart server/);
    assert.deepEqual(INSTALL_COMMANDS, ['uv tool install dstack-lsp', 'pip install dstack-lsp']);
  });

  it('a wrong setting is its own reason, without the install guide', () => {
    const found = findServer(input([], { configured: '/nope' }));
    assert.equal(found.kind === 'missing' && found.reason, 'setting');
  });

  it('looks in the workspace virtualenvs after the bundled binary and before PATH', () => {
    const all = [
      '/ext/server/linux-x64/dstack-lsp',
      '/ws/.venv/bin/dstack-lsp',
      '/ws/venv/bin/dstack-lsp',
      '/active/bin/dstack-lsp',
      '/usr/bin/dstack-lsp',
    ];
    const over = { virtualEnv: '/active' };
    // Drop the winner each time: the next one in the order must take over.
    const order: string[] = [];
    let files = all;
    for (;;) {
      const found = findServer(input(files, over));
      if (found.kind !== 'found') {
        break;
      }
      order.push(`${found.source} ${found.command}`);
      files = files.filter((f) => f !== found.command);
    }
    assert.deepEqual(order, [
      'bundled /ext/server/linux-x64/dstack-lsp',
      'venv /ws/.venv/bin/dstack-lsp',
      'venv /ws/venv/bin/dstack-lsp',
      'venv /active/bin/dstack-lsp',
      'path /usr/bin/dstack-lsp',
    ]);
  });

  it('the setting beats the virtualenv too', () => {
    const found = findServer(input(['/ws/.venv/bin/dstack-lsp', '/opt/x'], { configured: '/opt/x' }));
    assert.equal(found.kind === 'found' && found.source, 'setting');
  });

  it('uses Scripts\\dstack-lsp.exe in a Windows virtualenv', () => {
    assert.deepEqual(venvCandidates({ workspaceDir: 'C:\\ws', virtualEnv: 'D:\\env', platform: 'win32' }), [
      'C:\\ws\\.venv\\Scripts\\dstack-lsp.exe',
      'C:\\ws\\venv\\Scripts\\dstack-lsp.exe',
      'D:\\env\\Scripts\\dstack-lsp.exe',
    ]);
    const found = findServer(
      input(['C:\\ws\\.venv\\Scripts\\dstack-lsp.exe'], { platform: 'win32', workspaceDir: 'C:\\ws', envPath: '' }),
    );
    assert.equal(found.kind === 'found' && found.source, 'venv');
  });

  it('without a workspace or VIRTUAL_ENV only PATH is left', () => {
    assert.deepEqual(venvCandidates({ workspaceDir: undefined, virtualEnv: ' ', platform: 'linux' }), []);
  });

  it('uses .exe and ; on Windows', () => {
    const files = ['C:\\tools\\dstack-lsp.exe'];
    const found = findServer(input(files, { platform: 'win32', envPath: 'C:\\Windows;C:\\tools', extensionDir: 'C:\\ext' }));
    assert.deepEqual(found, { kind: 'found', command: 'C:\\tools\\dstack-lsp.exe', source: 'path' });
    assert.equal(bundledServerPath('C:\\ext', 'win32', 'x64'), 'C:\\ext\\server\\win32-x64\\dstack-lsp.exe');
  });
});

describe('expandUserPath', () => {
  it('keeps absolute paths and trims blanks', () => {
    assert.equal(expandUserPath('  /a/b ', '/home/u', '/ws', 'linux'), '/a/b');
  });
  it('leaves relative paths alone without a workspace', () => {
    assert.equal(expandUserPath('a/b', '/home/u', undefined, 'linux'), 'a/b');
  });
  it('expands a bare ~', () => {
    assert.equal(expandUserPath('~', '/home/u', '/ws', 'linux'), '/home/u');
  });
});

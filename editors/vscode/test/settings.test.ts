// Mapping of VS Code settings to the server's `dstack` section.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { configurationItem, needsRestart, serverSettings } from '../src/settings';

const ctx = { homeDir: '/home/u', workspaceDir: '/ws', platform: 'linux' };
const from = (values: Record<string, unknown>) => (key: string) => values[key];

describe('serverSettings', () => {
  it('gives the defaults when nothing is set', () => {
    assert.deepEqual(serverSettings(from({}), ctx), {
      dstack: {
        catalog: { path: null },
        live: { enabled: false, url: null, project: null, token: null, caFile: null },
        offers: { enabled: true },
        log: { level: 'info' },
      },
    });
  });

  it('forwards every setting under dstack', () => {
    const s = serverSettings(
      from({
        'catalog.path': '~/catalog',
        'live.enabled': true,
        'live.url': ' https://dstack.example.com ',
        'live.project': 'main',
        'live.token': 'tok',
        'live.caFile': '~/certs/ca.pem',
        'offers.enabled': false,
        'log.level': 'debug',
      }),
      ctx,
    );
    assert.deepEqual(s, {
      dstack: {
        catalog: { path: '/home/u/catalog' },
        live: {
          enabled: true,
          url: 'https://dstack.example.com',
          project: 'main',
          token: 'tok',
          caFile: '/home/u/certs/ca.pem',
        },
        offers: { enabled: false },
        log: { level: 'debug' },
      },
    });
  });

  it('resolves a relative catalog path against the workspace and sends an empty one as null', () => {
    assert.equal(serverSettings(from({ 'catalog.path': 'data/catalog' }), ctx).dstack.catalog.path, '/ws/data/catalog');
    assert.equal(serverSettings(from({ 'catalog.path': '   ' }), ctx).dstack.catalog.path, null);
  });

  it('sends blank live settings as null, so the server falls back to the env and ~/.dstack/config.yml', () => {
    const live = serverSettings(from({ 'live.url': '', 'live.token': '  ', 'live.caFile': 'certs/ca.pem' }), ctx).dstack.live;
    assert.deepEqual(live, { enabled: false, url: null, project: null, token: null, caFile: '/ws/certs/ca.pem' });
  });

  it('replaces values of the wrong type by the defaults', () => {
    const s = serverSettings(from({ 'live.enabled': 'yes', 'live.url': 3, 'offers.enabled': 0, 'log.level': 'loud' }), ctx);
    assert.deepEqual(s.dstack.live, { enabled: false, url: null, project: null, token: null, caFile: null });
    assert.deepEqual(s.dstack.offers, { enabled: true });
    assert.equal(s.dstack.log.level, 'info');
  });
});

describe('configurationItem', () => {
  const s = serverSettings(from({ 'log.level': 'warn' }), ctx);
  it('answers the whole section, a part of it, or null', () => {
    assert.deepEqual(configurationItem(s, 'dstack'), s.dstack);
    assert.deepEqual(configurationItem(s, 'dstack.log'), { level: 'warn' });
    assert.equal(configurationItem(s, 'dstack.log.level'), 'warn');
    assert.equal(configurationItem(s, 'yaml'), null);
    assert.equal(configurationItem(s, 'dstack.log.level.x'), null);
    assert.deepEqual(configurationItem(s, undefined), s);
  });
});

describe('needsRestart', () => {
  it('restarts only for the server path and tracing', () => {
    assert.equal(needsRestart((x) => x === 'dstack.server.path'), true);
    assert.equal(needsRestart((x) => x === 'dstack.trace.server'), true);
    assert.equal(needsRestart((x) => x === 'dstack.log.level'), false);
  });
});

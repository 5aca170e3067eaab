// Which file names the extension serves, and the status bar texts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isDstackFile } from '../src/files';
import { statusView } from '../src/status';

describe('isDstackFile', () => {
  it('matches the four dstack file names', () => {
    for (const f of ['/a/app.dstack.yml', '/a/app.dstack.yaml', '/a/.dstack.yml', '/a/.dstack.yaml', 'C:\\w\\x.dstack.yml']) {
      assert.equal(isDstackFile(f), true, f);
    }
  });
  it('rejects other YAML files', () => {
    for (const f of ['/a/dstack.yml', '/a/app.yml', '/a/.dstack.yml.bak', '/a/.dstack.yml/x.yaml', '/a/appdstack.yml']) {
      assert.equal(isDstackFile(f), false, f);
    }
  });
});

describe('statusView', () => {
  it('flags only the states that need attention', () => {
    assert.equal(statusView('running', 'p').error, false);
    assert.equal(statusView('missing', 'p').error, true);
    assert.match(statusView('failed', 'boom').tooltip, /boom/);
    assert.match(statusView('starting', '').text, /spin/);
  });
});

// The retrigger command on completion items the server marks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { addRetrigger, RETRIGGER, RetriggerItem } from '../src/completion';

describe('addRetrigger', () => {
  it('adds the command to marked items only', () => {
    const items: RetriggerItem[] = [
      { data: { retrigger: true } },
      { data: { retrigger: false } },
      { data: 'retrigger' },
      {},
      { data: { retrigger: true }, command: { command: 'other', title: 'kept' } },
    ];
    addRetrigger(items);
    assert.deepEqual(
      items.map((i) => i.command?.command ?? null),
      ['editor.action.triggerSuggest', null, null, null, 'other'],
    );
    assert.equal(items[0].command, RETRIGGER);
  });
});

// Completion items the server marks with `data.retrigger` (a key whose values it also offers,
// such as `type:` or `spot_policy:`) get VS Code's command that opens the suggestions again,
// so picking the key goes straight on to its values. LSP has no portable command for this,
// which is why the server only marks the items and the client decides.

export const RETRIGGER = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };

/** The part of a completion item this module reads and writes. */
export interface RetriggerItem {
  data?: unknown;
  command?: { command: string; title: string };
}

function marked(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { retrigger?: unknown }).retrigger === true;
}

/** Gives every marked item without a command of its own the retrigger command. */
export function addRetrigger<T extends RetriggerItem>(items: T[]): T[] {
  for (const item of items) {
    if (item.command === undefined && marked(item.data)) {
      item.command = RETRIGGER;
    }
  }
  return items;
}

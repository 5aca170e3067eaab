// Text of the status bar item for each server state. Pure, so it is testable.

export type ServerState = 'starting' | 'running' | 'stopped' | 'missing' | 'failed';

export interface StatusView {
  text: string;
  tooltip: string;
  /** True for states that need the user's attention (shown with the error background). */
  error: boolean;
}

export function statusView(state: ServerState, detail: string): StatusView {
  switch (state) {
    case 'starting':
      return { text: '$(sync~spin) dstack', tooltip: `dstack-lsp is starting\n${detail}`, error: false };
    case 'running':
      return { text: '$(check) dstack', tooltip: `dstack-lsp is running\n${detail}`, error: false };
    case 'stopped':
      return { text: '$(circle-slash) dstack', tooltip: `dstack-lsp is stopped\n${detail}`, error: false };
    case 'missing':
      return { text: '$(error) dstack', tooltip: `dstack-lsp was not found\n${detail}`, error: true };
    case 'failed':
      return { text: '$(error) dstack', tooltip: `dstack-lsp failed\n${detail}`, error: true };
  }
}

import { Writable } from 'node:stream';
import type { SipEvent } from '../../events/types.js';
import { createPresenter } from '../../present/index.js';

/** A test's ladder (src/present/ladder.ts), as plain text: for failures and JUnit system-out. */
export function ladderText(events: readonly SipEvent[], peer = 'peer'): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const p = createPresenter({ mode: 'pretty', colorLevel: 0, verbose: false, timers: false, quiet: false, ladder: true, spinner: false, stdout: sink, stderr: sink, peerLabel: peer });
  for (const e of events) if (e.type !== 'result' && e.type !== 'waiting') p.onEvent(e);
  p.finish();
  return text;
}

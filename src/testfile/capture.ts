import { bodyText, headerValue, type Observed } from './observe.js';
import type { Capture } from './types.js';

/** The captured value, or an explanation of why there is none. */
export function captureValue(c: Capture, o: Observed): { value: string } | { missing: string } {
  switch (c.from.kind) {
    case 'status':
      return o.final ? { value: String(o.final.status) } : { missing: 'no final response' };
    case 'reason':
      return o.final ? { value: o.final.reason } : { missing: 'no final response' };
    case 'body': {
      const m = c.from.regex.exec(bodyText(o.message));
      return m ? { value: m[1] ?? m[0] } : { missing: `the body does not match ${c.from.regex}` };
    }
    case 'header': {
      const v = headerValue(o.message, c.from.header, c.from.param);
      if (v !== undefined) return { value: v };
      return { missing: c.from.param ? `${c.from.header} has no ${c.from.param} parameter` : `no ${c.from.header} header in the final response` };
    }
  }
}

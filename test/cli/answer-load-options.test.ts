import { describe, expect, it } from 'vitest';
import { loadFrom } from '../../src/cli/answer-options.js';
import { UsageError } from '../../src/engine/errors.js';

const flags = (f: Record<string, unknown>) => ({ header: [] as string[], ...f });

describe('answer --load flags', () => {
  it('is off without --load, on with it over UDP', () => {
    expect(loadFrom(flags({}), 'udp')).toEqual({});
    expect(loadFrom(flags({ load: true, media: false }), 'udp')).toEqual({ load: true });
  });

  it('refuses other transports and the flags that need media, a BYE of ours or a capture', () => {
    expect(() => loadFrom(flags({ load: true }), 'tcp')).toThrow(/--load serves UDP only, but answer listens on TCP/);
    for (const [key, flag] of [['byeAfter', '--bye-after'], ['play', '--play'], ['echo', '--echo'], ['record', '--record'], ['dtmf', '--dtmf'], ['pcap', '--pcap']] as const) {
      expect(() => loadFrom(flags({ load: true, [key]: key === 'echo' ? true : 'x' }), 'udp')).toThrow(UsageError);
      expect(() => loadFrom(flags({ load: true, [key]: key === 'echo' ? true : 'x' }), 'udp')).toThrow(`${flag} does not go with --load`);
    }
    expect(() => loadFrom(flags({ load: true, fault: ['drop=5%'] }), 'udp')).toThrow('--fault does not go with --load');
    expect(loadFrom(flags({ load: true, fault: [] }), 'udp')).toEqual({ load: true });
  });
});

import { describe, expect, it } from 'vitest';
import { idleTimeoutFrom } from '../../src/cli/answer-options.js';
import { UsageError } from '../../src/engine/errors.js';

const flags = (f: Record<string, unknown>) => ({ header: [] as string[], ...f });

describe('answer --idle-timeout', () => {
  it('absent: the listener default (120 s); given over a stream transport: seconds, fractions allowed', () => {
    expect(idleTimeoutFrom(flags({}), 'tcp')).toEqual({});
    expect(idleTimeoutFrom(flags({}), 'udp')).toEqual({});
    expect(idleTimeoutFrom(flags({ idleTimeout: '30' }), 'tcp')).toEqual({ idleTimeoutS: 30 });
    expect(idleTimeoutFrom(flags({ idleTimeout: '0.5' }), 'wss')).toEqual({ idleTimeoutS: 0.5 });
  });

  it('UDP has no connections, and 0, negative or non-numbers are usage errors', () => {
    expect(() => idleTimeoutFrom(flags({ idleTimeout: '30' }), 'udp')).toThrow(UsageError);
    expect(() => idleTimeoutFrom(flags({ idleTimeout: '30' }), 'udp')).toThrow(/--idle-timeout applies to connections/);
    for (const bad of ['0', '-5', 'soon', '']) expect(() => idleTimeoutFrom(flags({ idleTimeout: bad }), 'tcp'), bad).toThrow(/--idle-timeout must be a positive number of seconds/);
  });
});

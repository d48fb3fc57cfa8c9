import { describe, expect, it } from 'vitest';
import { buildUacPlan } from '../../src/cli/build-plan.js';
import { run } from '../../src/cli/main.js';
import type { ParsedCommand } from '../../src/cli/program.js';
import { UsageError } from '../../src/engine/errors.js';
import { fakeIo } from '../support/fake-io.js';

function plan(args: string[], flags: Record<string, unknown>, name: ParsedCommand['name'] = 'options') {
  return buildUacPlan({ name, args, flags: { header: [], ...flags } }, () => Buffer.alloc(0));
}

describe('-4 / -6', () => {
  it('go into the plan as net.family', () => {
    expect(plan(['bob@example.com'], { ipv4: true }).net.family).toBe(4);
    expect(plan(['bob@example.com'], { ipv6: true }).net.family).toBe(6);
    expect(plan(['bob@example.com'], {}).net.family).toBeUndefined();
  });

  it('both at once is a usage error with a hint', () => {
    expect(() => plan(['bob@example.com'], { ipv4: true, ipv6: true })).toThrow(UsageError);
    expect(() => plan(['bob@example.com'], { ipv4: true, ipv6: true })).toThrow(/-4 \(--ipv4\) and -6 \(--ipv6\) cannot be combined/);
  });

  it('an IP literal of the other family is a usage error; the first route is what counts', () => {
    expect(() => plan(['sip:[::1]:5060'], { ipv4: true })).toThrow(/-4 asks for IPv4, but \[::1\] is an IPv6 address/);
    expect(() => plan(['127.0.0.1'], { ipv6: true })).toThrow(/-6 asks for IPv6, but 127\.0\.0\.1 is an IPv4 address/);
    expect(plan(['127.0.0.1'], { ipv6: true, proxy: 'sip:[::1]:5080' }).net.family).toBe(6);
  });

  it.each([
    [['options', 'example.com', '-4', '-6'], /cannot be combined/],
    [['invite', '[::1]:5060', '--ipv4'], /-4 asks for IPv4/],
    [['options', 'example.com', '--proxy', 'sip:a b'], /--proxy URI .*white space/],
    [['options', 'example.com', '--route', 'http://x'], /--route URI .*scheme http/],
    [['options', 'example.com', '--proxy', 'sip:p.example.com?X=1'], /URI headers/],
    [['options', 'example.com', '--proxy', 'sip:p.example.com;transport=udp', '--transport', 'tcp'], /contradicts/],
  ])('sipcall %j exits 2', async (argv, message) => {
    const io = fakeIo();
    const code = await run(argv, io);
    expect(code).toBe(2);
    expect(io.err.text).toMatch(message);
  });
});

describe('--proxy / --route', () => {
  it('are kept as URIs with their scheme; angle brackets and a missing sip: are accepted', () => {
    const p = plan(['bob@example.com'], { proxy: '127.0.0.1:5080', route: ['<sip:[::1]:5090;lr>', 'p.example.net;lr'] });
    expect(p.route).toEqual({ proxy: 'sip:127.0.0.1:5080', routes: ['sip:[::1]:5090;lr', 'sip:p.example.net;lr'] });
    // the destination stays the target's; the engine's next hop is the proxy
    expect(p.destination).toMatchObject({ host: 'example.com', port: 5060 });
  });

  it('no flags, no route in the plan', () => {
    expect(plan(['bob@example.com'], { route: [] }).route).toBeUndefined();
  });

  it("the first route's ;transport= chooses the transport (it is where the request goes)", () => {
    const p = plan(['bob@example.com'], { proxy: 'sip:p.example.net;transport=tcp' });
    expect(p.net).toMatchObject({ transport: 'tcp', transportForced: true });
  });

  it('REGISTER takes them too', () => {
    const p = plan(['alice@example.com'], { proxy: 'sip:p.example.net;lr' }, 'register');
    expect(p.kind).toBe('register');
    expect(p.route?.proxy).toBe('sip:p.example.net;lr');
  });
});

// Are the real peers installed? Integration tests gate themselves on this:
//
//   const peers = requirePeers('sipp', 'kamailio');
//   describe.skipIf(peers.skip)('through Kamailio', () => { ... });
//
// - installed: run.
// - missing on a developer machine: skip, with one line saying what to install.
// - missing in CI (env CI set, not "false"/"0"): throw, because a missing peer
//   there means the CI setup (.ci/run) is broken, and a skipped suite would
//   hide it.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export type PeerName = 'sipp' | 'kamailio' | 'dnsmasq' | 'baresip' | 'tshark' | 'sngrep';

/** The Debian package that provides each peer (what .ci/run installs). */
export const PEER_PACKAGES: Readonly<Record<PeerName, string>> = {
  sipp: 'sip-tester',
  kamailio: 'kamailio',
  dnsmasq: 'dnsmasq',
  baresip: 'baresip-core',
  tshark: 'tshark',
  sngrep: 'sngrep',
};

// Kamailio lives in /usr/sbin, which is not on every user's PATH.
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];
const found = new Map<string, string | undefined>();
const reported = new Set<PeerName>();

/**
 * Names listed in SIPCALL_TEST_HIDE_PEERS (comma-separated) are reported
 * missing, to try the skip and CI-failure paths on a machine that has them.
 */
function hidden(name: string): boolean {
  return (process.env.SIPCALL_TEST_HIDE_PEERS ?? '').split(',').map((s) => s.trim()).includes(name);
}

/** Absolute path of an executable on PATH (or an sbin dir), or undefined. */
export function findCommand(name: string): string | undefined {
  if (hidden(name)) return undefined;
  if (found.has(name)) return found.get(name);
  let result: string | undefined;
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...EXTRA_DIRS].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      result = candidate;
      break;
    } catch {
      // not here
    }
  }
  found.set(name, result);
  return result;
}

/** True when running in CI (env CI set to anything but "", "false" or "0"). */
export function inCI(): boolean {
  const ci = (process.env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== 'false' && ci !== '0';
}

export interface PeerCheck {
  /** True when the tests needing these peers should be skipped. */
  skip: boolean;
  /** The peers not found. */
  missing: PeerName[];
  /** One line saying why (empty when nothing is missing). */
  reason: string;
}

/**
 * Check that the given peers are installed. In CI a missing peer throws; on a
 * developer machine the result says to skip, and one line is printed.
 */
export function requirePeers(...names: PeerName[]): PeerCheck {
  const missing = names.filter((n) => findCommand(n) === undefined);
  if (missing.length === 0) return { skip: false, missing, reason: '' };
  const pkgs = missing.map((n) => PEER_PACKAGES[n]).join(' ');
  const what = missing.join(' and ');
  if (inCI()) {
    throw new Error(
      `integration peer missing in CI: ${what} not found on PATH; install it with ` +
        `\`apt-get install ${pkgs}\` (.ci/run does this)`,
    );
  }
  const reason = `skipping integration tests that need ${what}: not installed (apt-get install ${pkgs})`;
  // one line per missing peer and process, however many suites ask
  if (missing.some((n) => !reported.has(n))) console.warn(reason);
  for (const n of missing) reported.add(n);
  return { skip: true, missing, reason };
}

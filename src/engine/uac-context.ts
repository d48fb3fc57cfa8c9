import { newBranch, newCallId, newTag, type RandomSource } from '../sip/ids.js';
import { timerConfig } from '../transaction/timer-config.js';
import { formatEndpoint } from '../transport/endpoint.js';
import { openUdpListener } from '../transport/udp-listener.js';
import { tapListener, tapTransport } from '../transport/tap.js';
import { resolveHost } from '../transport/resolve.js';
import type { Transport } from '../transport/transport.js';
import { openTransport, transportNameOf } from './open-transport.js';
import { contactFor, viaFor, webSocketHost } from './transport-identity.js';
import type { AttemptPin } from './attempt-pin.js';
import { Authenticator } from './authenticate.js';
import { nextHop, routeOutOfDialog, type NextHop } from './next-hop.js';
import type { UacPlan } from './plan.js';
import { Session, type EngineEnv } from './session.js';

/** Ids and addresses one UAC run uses for every request it sends. */
export interface UacContext {
  session: Session;
  plan: UacPlan;
  random?: RandomSource;
  callId: string;
  localTag: string;
  /** From value with our tag. */
  from: string;
  /** To value (no tag). */
  to: string;
  /** Our sent-by host (IPv6 in brackets) and port, for Via and Contact. */
  localHost: string;
  localPort: number;
  /**
   * Our own IP address on the signalling socket, without brackets: the `c=` address of an offer
   * and where the RTP socket binds. It differs from `localHost` over WS/WSS, whose sent-by is an
   * `.invalid` name (RFC 7118 §5.2) that no SDP `c=` line may carry (RFC 4566 §5.7).
   */
  mediaAddress: string;
  /**
   * The port in Via sent-by. On UDP, a second socket listens there (docs/verdicts.md), so that
   * a peer that ignores rport and answers to the Via port is seen and named, not lost; requests
   * still leave from `localPort`, whose connected socket hears ICMP errors.
   */
  viaPort: number;
  /** A new top Via with a fresh branch (RFC 3261 §8.1.1.7). */
  via(): { value: string; branch: string };
  /** Our Contact URI (RFC 3261 §8.1.1.8), with `user` as the user part. */
  contactUri(user?: string): string;
  /** Answers 401/407 challenges for the whole run (RFC 3261 §22). */
  auth: Authenticator;
  /** Where requests go first, and the pre-existing route set (`--proxy`, `--route`). */
  hop: NextHop;
  /** Request-URI and Route headers of an out-of-dialog request to `uri` (RFC 3261 §8.1.1.1). */
  route(uri: string): { uri: string; routes: string[] };
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Resolves the destination, opens the transport (one socket per run: RFC 3261 §18.1.1) and
 * prepares the ids. The caller closes `ctx.session`. With `pin` (a target RFC 3263 chose,
 * src/engine/failover.ts) no resolution is done and the ids are the pinned ones.
 */
export async function openUacContext(plan: UacPlan, env: EngineEnv, random?: RandomSource, pin?: AttemptPin): Promise<UacContext> {
  const timers = timerConfig({ t1: plan.net.t1, t2: plan.net.t2, t4: plan.net.t4 });
  const hop = nextHop(plan);
  const { address } = pin ?? await resolveHost(hop.host, plan.net.family, { transport: transportNameOf(plan.net.transport) });
  const remote = { address, port: pin?.port ?? hop.port };
  const opened: Transport = await openTransport(plan, remote, env);
  const transport: Transport = env.capture ? tapTransport(opened, env.capture) : opened;
  const session = new Session(env, transport, timers, { keepTrying: plan.net.keepTrying, transportForced: plan.net.transportForced });
  for (const text of hop.notes) session.emit({ type: 'note', level: 'info', text });
  const localHost = webSocketHost(transport, random) ?? bracket(transport.local.address);
  const localPort = transport.local.port;
  let viaPort = localPort;
  // `--local ADDR:PORT` names the port the user wants seen: Via says it, and no second port is
  // opened (docs/verdicts.md); with no port (or 0) the Via names the second listener's port.
  if (transport.name === 'UDP' && !plan.net.local?.port) {
    try {
      const extra = await openUdpListener({ address: transport.local.address, port: 0 });
      const listener = env.capture ? tapListener(extra, env.capture) : extra;
      session.listenAlso(listener);
      viaPort = listener.local.port;
    } catch {
      // No second port: Via names the source port, as usual.
    }
  }
  const tagSource = random;
  const localTag = pin?.localTag ?? newTag(tagSource);
  const fromUri = plan.request.from ?? `sip:sipcall@${localHost}`;
  const auth = new Authenticator(session, plan.auth, random, plan.request.headers);
  auth.announce();
  return {
    auth,
    session,
    plan,
    random,
    callId: pin?.callId ?? newCallId(random),
    localTag,
    from: `<${fromUri}>;tag=${localTag}`,
    to: `<${plan.target.uri}>`,
    localHost,
    localPort,
    mediaAddress: transport.local.address,
    viaPort,
    via() {
      const branch = newBranch(random);
      return { value: viaFor(transport, localHost, viaPort, branch), branch };
    },
    hop,
    route: (uri) => routeOutOfDialog(hop, uri),
    contactUri(user = 'sipcall') {
      return contactFor(transport, plan.target, user, localHost, localPort);
    },
  };
}

export { formatEndpoint };

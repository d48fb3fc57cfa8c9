// Real peers on loopback for integration tests: SIPp, Kamailio, dnsmasq, baresip, free ports.
export { freePort, freePortBlock, freePorts, isPortFree, releasePort, PORT_MIN, PORT_MAX } from './ports.js';
export type { PortOptions } from './ports.js';
export { livePeerPids, pidAlive, stopAllPeers, usePeerCleanup } from './process.js';
export type { ExitStatus } from './process.js';
export { startSipp, resolveScenario, scenarioArgs, SCENARIO_DIR } from './sipp.js';
export type { SippOptions, SippPeer, SippTransport } from './sipp.js';
export { startKamailio, KAMAILIO_USERS, KAMAILIO_DIR } from './kamailio.js';
export type { KamailioOptions, KamailioPeer, KamailioUser } from './kamailio.js';
export { findCommand, inCI, requirePeers, PEER_PACKAGES } from './require-peer.js';
export type { PeerCheck, PeerName } from './require-peer.js';
export { headerOf, sendUdp, sipRequest, statusOf, token } from './udp.js';
export type { SendUdpOptions, SipRequestOptions, UdpExchange } from './udp.js';
export { startDnsmasq, dnsmasqArgs } from './dnsmasq.js';
export type { DnsmasqOptions, DnsmasqPeer, DnsRecords, HostSpec, NaptrSpec, SrvSpec } from './dnsmasq.js';
export { startBaresip, baresipConfig, parseRtpStats, parseRtcpSummary, receivedDtmf } from './baresip.js';
export type {
  BaresipEvent,
  BaresipMode,
  BaresipOptions,
  BaresipPeer,
  BaresipResponse,
  ReceivedDtmf,
  RtcpSummary,
  RtpStats,
  RtpStatsDirection,
} from './baresip.js';

// `--pcap FILE` (docs/pcap.md): a classic pcap of what sipcall sent and received.
export { internetChecksum } from './checksum.js';
export { ipBytes } from './ip-address.js';
export { fileHeader, LINKTYPE_RAW, packetRecord, SNAPLEN } from './file-format.js';
export { IPPROTO, MAX_TCP_PAYLOAD, TCP_FLAG, tcpPacket, udpPacket } from './packets.js';
export type { PacketEnd, TcpFields } from './packets.js';
export { fileSink, PcapWriter } from './pcap-writer.js';
export type { ByteSink } from './pcap-writer.js';
export { PcapCapture, wallClockMs } from './capture.js';
export { openPcapFile, PcapFileError, unwritableReason } from './open-file.js';

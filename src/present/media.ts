/**
 * How media events read (pretty, plain and ladder): the stream that started, a line a second,
 * DTMF digits, and the per-direction summary at the end (docs/output.md, docs/media.md).
 */
import type { MediaDtmfEvent, MediaStartedEvent, MediaStatsEvent, MediaStoppedEvent, MediaSummary } from '../events/types.js';

const METHOD: Record<MediaDtmfEvent['method'], string> = { rfc4733: 'RFC 4733', info: 'SIP INFO', inband: 'in-band' };

export function describeMediaStarted(e: MediaStartedEvent): string {
  const dtmf = e.dtmfPayloadType !== undefined ? `, DTMF PT ${e.dtmfPayloadType}` : ', no telephone-event';
  return `${e.early ? 'early media' : 'media'}: RTP ${e.local} ⇄ ${e.remote}  ${e.codec} (PT ${e.payloadType}), ${e.ptimeMs} ms, ${e.direction}${dtmf}; sending ${e.source}`;
}

export function describeMediaStats(e: MediaStatsEvent): string {
  const r = e.received;
  const parts = [`out ${e.sent.packets}`, `in ${r.packets}`, `loss ${r.lossPct.toFixed(1)} %`, `jitter ${r.jitterMs.toFixed(1)} ms`];
  if (e.levelDbfs !== undefined && r.packets > 0) parts.push(`level ${e.levelDbfs.toFixed(1)} dBFS`);
  if (e.toneHeard !== undefined) parts.push(e.toneHeard ? 'tone heard' : 'tone not heard yet');
  if (e.source && r.packets > 0) parts.push(`from ${e.source}`);
  if (e.peer) parts.push(`peer sees loss ${(e.peer.fractionLost * 100).toFixed(1)} %${e.peer.rttMs !== undefined ? `, RTT ${e.peer.rttMs.toFixed(1)} ms` : ''}`);
  return `media ${String(e.second).padStart(2)} s  ${parts.join('  ')}`;
}

export function describeMediaDtmf(e: MediaDtmfEvent): string {
  const d = e.durationMs ? `, ${e.durationMs} ms` : '';
  return `DTMF ${e.digit} ${e.direction} (${METHOD[e.method]}${d})`;
}

/** The end summary, one line per direction and one for quality. */
export function describeMediaStopped(e: MediaStoppedEvent): string[] {
  return summaryLines(e.summary);
}

export function summaryLines(m: MediaSummary): string[] {
  const s = m.sent;
  const r = m.received;
  const lines = [`media ended: ${m.codec}, ${(m.durationMs / 1000).toFixed(1)} s, ${m.local} ⇄ ${m.remote}`];
  const peer = m.peer ? `; the peer's RTCP: loss ${(m.peer.fractionLost * 100).toFixed(1)} % (${m.peer.cumulativeLost} cumulative), jitter ${m.peer.jitterMs.toFixed(1)} ms${m.peer.rttMs !== undefined ? `, RTT ${m.peer.rttMs.toFixed(1)} ms` : ''}` : '; no RTCP report about our stream';
  lines.push(`  sent      ${s.packets} packets${s.dtmfPackets ? ` (${s.dtmfPackets} DTMF)` : ''}, our send jitter p50 ${s.sendJitterMs.p50.toFixed(2)} ms p99 ${s.sendJitterMs.p99.toFixed(2)} ms${s.skipped ? `, ${s.skipped} packet times skipped after stalls` : ''}${peer}`);
  const from = r.sources.map((x) => `${x.address.includes(':') ? `[${x.address}]` : x.address}:${x.port} (${x.packets})`).join(', ');
  lines.push(
    `  received  ${r.packets} packets, lost ${r.lost} (${r.lossPct.toFixed(1)} %), jitter ${r.jitterMs.toFixed(1)} ms, max gap ${r.maxGapMs.toFixed(0)} ms` +
      (r.duplicates ? `, ${r.duplicates} duplicates` : '') +
      (r.reordered ? `, ${r.reordered} reordered` : '') +
      (r.levelDbfs !== undefined && r.packets > 0 ? `, level ${r.levelDbfs.toFixed(1)} dBFS` : '') +
      (from ? `, from ${from}` : ''),
  );
  const q: string[] = [];
  if (m.mos) q.push(`${m.mos.label} ${m.mos.value.toFixed(2)} (R ${m.mos.r}; ${Object.entries(m.mos.inputs).filter(([k]) => ['codec', 'lossPct', 'oneWayDelayMs', 'plc'].includes(k)).map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v * 10) / 10 : v}`).join(', ')})`);
  if (m.tone) q.push(m.tone.heard ? `${m.tone.hz} Hz heard from ${((m.tone.firstHeardMs ?? 0) / 1000).toFixed(2)} s at ${m.tone.levelDbfs?.toFixed(1)} dBFS` : `${m.tone.hz} Hz not heard`);
  if (m.echo) q.push(`echo: ${m.echo.burstsReturned}/${m.echo.burstsSent} bursts came back${m.echo.medianMs !== undefined ? `, audio round trip min ${m.echo.minMs} ms, median ${m.echo.medianMs} ms, max ${m.echo.maxMs} ms` : ''}`);
  if (m.digitsSent) q.push(`digits sent ${m.digitsSent}`);
  if (m.digitsReceived) q.push(`digits received ${m.digitsReceived}`);
  if (q.length) lines.push(`  quality   ${q.join('; ')}`);
  return lines;
}

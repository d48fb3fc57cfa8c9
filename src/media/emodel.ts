/**
 * A simplified E-model (ITU-T G.107) for narrowband G.711 calls: an estimate of conversational
 * quality from loss and delay, labelled "MOS-CQE (estimate)" (ITU-T P.800.1: "CQE" is
 * conversational quality, estimated; not a listening test, not a measurement).
 *
 * `R = 93.2 − Id − Ie,eff`, where 93.2 is the R that G.107 gives with every parameter at its
 * default value, and only delay and loss move away from the defaults:
 * - `Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3)`, d the one-way mouth-to-ear delay in ms
 *   (the Cole–Rosenbluth fit of G.107's delay impairment; H is the step function);
 * - `Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl)` (G.107 eq. 7-29), Ppl the percentage
 *   of packets lost (after the jitter buffer), BurstR 1 for random loss;
 * - Ie and Bpl from G.113 Appendix I: G.711 Ie = 0, Bpl = 25.1 with packet loss concealment,
 *   4.3 without.
 *
 * MOS from R (G.107 Annex B, MOS-CQE): 1 for R < 0, 4.5 for R > 100, else
 * `1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶` (never below 1, see {@link mosFromR}).
 *
 * Only PCMU and PCMA: wideband codecs (G.722, opus) are rated on the wideband scale of ITU-T
 * G.107.1 (R up to 129) with their own Ie,wb values, so this narrowband model does not apply
 * to them and {@link estimateMos} returns undefined.
 *
 * Pure arithmetic.
 */

/** The label to print next to the figure (never "MOS" alone). */
export const MOS_LABEL = 'MOS-CQE (estimate)';

/** R with every G.107 parameter at its default value. */
const R_DEFAULT = 93.2;

/** G.113 Appendix I, G.711: equipment impairment factor Ie and packet-loss robustness factor Bpl. */
const G711 = { ie: 0, bplWithPlc: 25.1, bplWithoutPlc: 4.3 } as const;

export interface MosInputs {
  /** The RTP encoding name (case-insensitive): PCMU or PCMA; anything else gives no estimate. */
  codec: string;
  /** Packets lost (after the jitter buffer), in percent. Clamped to 0…100. */
  lossPct: number;
  /** One-way mouth-to-ear delay in ms. Negative values count as 0. */
  oneWayDelayMs: number;
  /** Whether the listener's side conceals lost packets (default true: every current phone does). */
  plc?: boolean;
  /** Burst ratio BurstR (G.107): 1 for random loss (default), > 1 for bursty loss. */
  burstR?: number;
}

export interface MosEstimate {
  /** The rating factor R, clamped to 0…100 (unrounded). */
  r: number;
  /** MOS-CQE, 1…4.5 (unrounded: round for display). */
  mos: number;
  label: typeof MOS_LABEL;
  /** What the figure was computed from, after clamping, with the G.113 constants used. */
  inputs: {
    codec: string;
    lossPct: number;
    oneWayDelayMs: number;
    plc: boolean;
    burstR: number;
    ie: number;
    bpl: number;
    /** The two impairments subtracted from 93.2. */
    id: number;
    ieEff: number;
  };
}

/** An input the model cannot use: not a finite number, or a burst ratio that is not positive. */
export class EModelInputError extends RangeError {
  override readonly name = 'EModelInputError';
}

/** Delay impairment Id: the Cole–Rosenbluth fit of G.107's Id at default echo parameters. */
export function delayImpairment(d: number): number {
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment Ie,eff (G.107 eq. 7-29). */
export function effectiveEquipmentImpairment(ie: number, bpl: number, ppl: number, burstR: number): number {
  return ie + ((95 - ie) * ppl) / (ppl / burstR + bpl);
}

/**
 * MOS-CQE from R (G.107 Annex B). The cubic dips just below 1 for 0 < R < 6.5 (to 0.994 at
 * R ≈ 3); the result is kept at 1 there, the bottom of the scale, as it is for R < 0.
 */
export function mosFromR(r: number): number {
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/**
 * Estimates MOS-CQE for a G.711 call, or returns undefined for any other codec (wideband
 * codecs need the G.107.1 model).
 *
 * @throws EModelInputError when a number is NaN or infinite, or `burstR` is not positive.
 */
export function estimateMos(input: MosInputs): MosEstimate | undefined {
  const codec = input.codec.toUpperCase();
  if (codec !== 'PCMU' && codec !== 'PCMA') return undefined;
  const burstR = input.burstR ?? 1;
  for (const [name, v] of [['lossPct', input.lossPct], ['oneWayDelayMs', input.oneWayDelayMs], ['burstR', burstR]] as const) {
    if (!Number.isFinite(v)) throw new EModelInputError(`estimateMos: ${name} is ${v}; give a finite number`);
  }
  if (burstR <= 0) throw new EModelInputError(`estimateMos: burstR is ${burstR}; give 1 for random loss or more for bursty loss`);
  const plc = input.plc ?? true;
  const lossPct = Math.min(100, Math.max(0, input.lossPct));
  const oneWayDelayMs = Math.max(0, input.oneWayDelayMs);
  const ie = G711.ie;
  const bpl = plc ? G711.bplWithPlc : G711.bplWithoutPlc;
  const id = delayImpairment(oneWayDelayMs);
  const ieEff = effectiveEquipmentImpairment(ie, bpl, lossPct, burstR);
  const r = Math.min(100, Math.max(0, R_DEFAULT - id - ieEff));
  return {
    r,
    mos: mosFromR(r),
    label: MOS_LABEL,
    inputs: { codec, lossPct, oneWayDelayMs, plc, burstR, ie, bpl, id, ieEff },
  };
}

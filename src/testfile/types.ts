/**
 * The test file, as loaded and checked (docs/testfile.md). Every node the runner may point at
 * later (a step, an expectation) keeps its position in the file, so a failed assertion names
 * `FILE:LINE:COL` like a file error does.
 */

/** A place in a file: 1-based line and column. */
export interface Pos {
  line: number;
  col: number;
}

/** What a step does. */
export type StepKind = 'options' | 'register' | 'invite' | 'bye' | 'message' | 'request' | 'wait' | 'answer';

export const STEP_KINDS: readonly StepKind[] = ['options', 'register', 'invite', 'bye', 'message', 'request', 'wait', 'answer'];

/** A status expectation entry: an exact code or a class such as `4xx`. */
export type StatusPattern = string;

/** A header expectation: the exact value, or a regular expression written `/…/flags`. */
export type TextPattern = { exact: string } | { regex: RegExp; source: string };

export interface Expect {
  status?: StatusPattern[];
  provisional?: number[];
  /** Milliseconds from the first transmission of the request to its final response. */
  withinMs?: number;
  header?: Array<{ name: string; pattern: TextPattern }>;
  body?: { regex: RegExp; source: string };
  retransmissions?: number;
  verdict?: string;
  /** Where each expectation is written (key → position of its value). */
  pos: Record<string, Pos>;
}

/** `capture: { name: "To;tag" | "header:Contact" | "body:/re(.)x/" }`. */
export interface Capture {
  name: string;
  from: { kind: 'header'; header: string; param?: string } | { kind: 'body'; regex: RegExp } | { kind: 'status' } | { kind: 'reason' };
  pos: Pos;
}

export interface Retry {
  everyMs: number;
  forMs: number;
}

/**
 * One step. Values are kept as written (strings may hold `${…}`); they are interpolated just
 * before the step runs, once earlier captures are known.
 */
export interface Step {
  kind: StepKind;
  /** The action's value: a target or AOR (string), a duration (wait), an object (bye, answer, request). */
  value: unknown;
  /** Every other key of the step (options mirroring CLI flags, expires, hold, …), as written. */
  options: Record<string, unknown>;
  expect?: Expect;
  capture?: Capture[];
  retry?: Retry;
  /** The position of the step's action key. */
  pos: Pos;
  /** Positions of the step's other keys. */
  keyPos: Record<string, Pos>;
}

export interface TestCase {
  /** Unique within the file (a repeated name gets ` (2)` appended). */
  name: string;
  /** 0-based index in the file. */
  index: number;
  steps: Step[];
  finally: Step[];
  repeat: number;
  retry?: Retry;
  /** Per-test variables, merged over the file's. */
  vars: Record<string, string>;
  pos: Pos;
}

export interface TestFile {
  /** The path as given on the command line. */
  path: string;
  /** The file's text, for pointing at lines. */
  source: string;
  vars: Record<string, string>;
  /** Options every step gets unless it sets its own (`defaults:`). */
  defaults: Record<string, unknown>;
  tests: TestCase[];
}

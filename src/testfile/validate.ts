import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { parseDuration } from './duration.js';
import { FileError } from './errors.js';
import type { LoadedYaml } from './load.js';
import { STEP_KINDS, type Capture, type Expect, type Pos, type Retry, type Step, type StepKind, type TestCase, type TestFile } from './types.js';
import { referencesIn } from './interpolate.js';

/** Options every step may carry, mirroring the CLI flags (docs/testfile.md). */
export const COMMON_OPTIONS = [
  'transport', 'proxy', 'route', 'headers', 'from', 'user-agent', 'local', 't1', 't2', 't4', 'keep-trying', 'follow',
  'ca', 'cert', 'key', 'insecure', 'ws-url', 'dns-server', 'ipv4', 'ipv6', 'auth',
] as const;

/** Options of one kind of step only. */
export const KIND_OPTIONS: Record<StepKind, readonly string[]> = {
  options: [],
  register: ['expires', 'contact', 'registrar', 'unregister', 'unregister-all', 'query'],
  invite: ['hold', 'sdp', 'media', 'play', 'record', 'record-both', 'dtmf', 'dtmf-mode', 'media-timeout', 'ring-timeout', '100rel', 'rtp-port', 'expect-tone', 'late-offer', 'session-expires', 'hold-after', 'hold-for'],
  bye: [],
  message: ['body', 'content-type'],
  request: ['method', 'body', 'content-type'],
  wait: [],
  answer: [],
};

/** Keys of a step that are not options. */
const META = ['name', 'expect', 'capture', 'retry'];
const EXPECT_KEYS = ['status', 'provisional', 'within', 'header', 'body', 'retransmissions', 'verdict'];
const ANSWER_KEYS = ['port', 'address', 'transport', 'respond', 'ring', 'timeout', 'media'];
const BYE_KEYS = ['target', 'call-id', 'from-tag', 'to-tag', 'cseq'];
const AUTH_KEYS = ['user', 'password', 'ha1', 'auth-user'];
const BOOLEAN_OPTIONS = new Set(['keep-trying', 'follow', 'insecure', 'ipv4', 'ipv6', 'unregister', 'unregister-all', 'query', 'sdp', 'media', 'late-offer']);
const DURATION_OPTIONS = new Set(['hold', 'ring-timeout', 'media-timeout', 'hold-after', 'hold-for']);

/** A near key for "did you mean": the known key with the smallest edit distance (≤ 2). */
function nearest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Checks a loaded file against the format (and the schema it follows) and builds the typed tests. */
export class Validator {
  constructor(
    private readonly y: LoadedYaml,
    /** The environment `${env.NAME}` reads: a name that is not set is a file error. */
    private readonly env?: Record<string, string | undefined>,
  ) {}

  private pos(node: unknown): Pos {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return this.y.at(range ? range[0] : 0);
  }

  private fail(node: unknown, message: string, hint?: string): never {
    throw new FileError(this.y.path, this.pos(node), message, hint);
  }

  private map(node: unknown, what: string, hint?: string): YAMLMap<Node, Node> {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping (key: value)`, hint);
    return node as YAMLMap<Node, Node>;
  }

  private keyOf(pair: Pair<Node, Node>): string {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string' && typeof pair.key.value !== 'number') this.fail(pair.key, 'a key must be a plain word');
    return String((pair.key as { value: unknown }).value);
  }

  private unknownKey(pair: Pair<Node, Node>, key: string, known: readonly string[], where: string): never {
    const near = nearest(key, known);
    this.fail(pair.key, `unknown key ${JSON.stringify(key)} in ${where}`, near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`);
  }

  private str(node: unknown, what: string): string {
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number')) this.fail(node, `${what} must be a string`);
    return String((node as { value: unknown }).value);
  }

  private duration(node: unknown, what: string): number {
    const v = isScalar(node) ? node.value : undefined;
    const ms = parseDuration(v);
    if (ms === undefined) this.fail(node, `${what} must be a duration such as 2s, 500ms or 1m`, `got ${JSON.stringify(v ?? null)}`);
    return ms;
  }

  private integer(node: unknown, what: string, min: number, max: number): number {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(node, `${what} must be a whole number from ${min} to ${max}`, `got ${JSON.stringify(v ?? null)}`);
    return v;
  }

  file(): TestFile {
    const root = this.y.doc.contents;
    if (root === null || root === undefined) throw new FileError(this.y.path, { line: 1, col: 1 }, 'the file is empty', 'it needs at least `tests:` with one test');
    const top = this.map(root, 'the file', 'it starts with `tests:` (and optionally `vars:` and `defaults:`)');
    let vars: Record<string, string> = {};
    let defaults: Record<string, unknown> = {};
    let testsNode: Node | undefined;
    for (const pair of top.items) {
      const key = this.keyOf(pair);
      if (key === 'vars') vars = this.vars(pair.value);
      else if (key === 'defaults') {
        this.refs(pair.value, new Set(Object.keys(vars)));
        defaults = this.stepOptions(pair.value, 'defaults');
      }
      else if (key === 'tests') testsNode = pair.value ?? undefined;
      else if (key === '$schema') continue;
      else this.unknownKey(pair, key, ['vars', 'defaults', 'tests'], 'the file');
    }
    if (!testsNode) this.fail(root, 'the file has no `tests:`', 'add `tests:` with a list of tests, each with `name:` and `steps:`');
    if (!isSeq(testsNode) || testsNode.items.length === 0) this.fail(testsNode, '`tests:` must be a list of at least one test', 'each item starts with `- name: …`');
    const names = new Map<string, number>();
    const tests = testsNode.items.map((node, index) => {
      const t = this.test(node, index, vars);
      const seen = names.get(t.name) ?? 0;
      names.set(t.name, seen + 1);
      if (seen > 0) t.name = `${t.name} (${seen + 1})`;
      return t;
    });
    return { path: this.y.path, source: this.y.source, vars, defaults, tests };
  }

  private vars(node: unknown): Record<string, string> {
    if (node === null || node === undefined) return {};
    const m = this.map(node, '`vars:`');
    const out: Record<string, string> = {};
    for (const pair of m.items) {
      const key = this.keyOf(pair);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) this.fail(pair.key, `variable name ${JSON.stringify(key)} is not a word`, 'use letters, digits and _');
      if (key === 'env') this.fail(pair.key, '`env` is reserved: ${env.NAME} reads the environment');
      const v = pair.value;
      if (!isScalar(v) || v.value === null || typeof v.value === 'object') this.fail(v ?? pair.key, `variable ${key} must be a string or a number`);
      out[key] = String(v.value);
    }
    return out;
  }

  private test(node: unknown, index: number, fileVars: Record<string, string>): TestCase {
    const m = this.map(node, 'a test', 'a test has `name:` and `steps:` (and optionally `finally:`, `repeat:`, `retry:`, `vars:`)');
    let name: string | undefined;
    let steps: Step[] | undefined;
    let fin: Step[] = [];
    let repeat = 1;
    let retry: Retry | undefined;
    let vars: Record<string, string> = {};
    let stepsNode: Node | undefined;
    let finallyNode: Node | undefined;
    for (const pair of m.items) {
      const key = this.keyOf(pair);
      switch (key) {
        case 'name':
          name = this.str(pair.value, 'name');
          break;
        case 'steps':
          stepsNode = pair.value ?? undefined;
          break;
        case 'finally':
          finallyNode = pair.value ?? undefined;
          break;
        case 'repeat':
          repeat = this.integer(pair.value, 'repeat', 1, 100_000);
          break;
        case 'retry':
          retry = this.retry(pair.value);
          break;
        case 'vars':
          vars = this.vars(pair.value);
          break;
        default:
          this.unknownKey(pair, key, ['name', 'steps', 'finally', 'repeat', 'retry', 'vars'], 'a test');
      }
    }
    if (name === undefined || name.trim() === '') this.fail(node, 'a test needs a `name:`');
    if (!stepsNode || !isSeq(stepsNode) || stepsNode.items.length === 0) this.fail(stepsNode ?? node, `test "${name}" needs \`steps:\`, a list of at least one step`);
    const known = new Set([...Object.keys(fileVars), ...Object.keys(vars)]);
    steps = stepsNode.items.map((s) => this.step(s, known));
    if (finallyNode !== undefined) {
      if (!isSeq(finallyNode)) this.fail(finallyNode, '`finally:` must be a list of steps');
      fin = finallyNode.items.map((s) => this.step(s, known));
    }
    this.checkByes(steps, fin);
    return { name, index, steps, finally: fin, repeat, ...(retry ? { retry } : {}), vars, pos: this.pos(node) };
  }

  /** `bye: {}` ends the call of an earlier `invite` step of the same test. */
  private checkByes(steps: Step[], fin: Step[]): void {
    let inviteSeen = false;
    for (const s of [...steps, ...fin]) {
      if (s.kind === 'invite') inviteSeen = true;
      if (s.kind === 'bye' && !inviteSeen && !(s.value && typeof s.value === 'object' && 'target' in (s.value as object))) {
        throw new FileError(this.y.path, s.pos, '`bye: {}` needs an earlier `invite` step in the same test', 'it sends BYE in the dialog that invite established; for another dialog give bye: { target, call-id, from-tag, to-tag }');
      }
    }
  }

  private retry(node: unknown): Retry {
    const m = this.map(node, '`retry:`', 'example: retry: { every: 1s, for: 30s }');
    let everyMs: number | undefined;
    let forMs: number | undefined;
    for (const pair of m.items) {
      const key = this.keyOf(pair);
      if (key === 'every') everyMs = this.duration(pair.value, 'retry.every');
      else if (key === 'for') forMs = this.duration(pair.value, 'retry.for');
      else this.unknownKey(pair, key, ['every', 'for'], '`retry:`');
    }
    if (everyMs === undefined || forMs === undefined) this.fail(node, '`retry:` needs both `every:` and `for:`', 'example: retry: { every: 1s, for: 30s }');
    if (everyMs <= 0) this.fail(node, 'retry.every must be more than 0');
    return { everyMs, forMs };
  }

  /** Checks the `${…}` references of a value: known variables, earlier captures, or env. */
  private refs(node: unknown, known: Set<string>): void {
    const check = (n: unknown): void => {
      if (isScalar(n) && typeof n.value === 'string') {
        for (const r of referencesIn(n.value)) {
          if (r.startsWith('env.')) {
            if (this.env && this.env[r.slice(4)] === undefined) this.fail(n, `the environment variable ${r.slice(4)} is not set`, `${r.slice(4)}=… sipcall test ${this.y.path} (a value from the environment is never printed)`);
            continue;
          }
          if (!known.has(r)) this.fail(n, `unknown variable \${${r}}`, known.size ? `known here: ${[...known].map((k) => `\${${k}}`).join(', ')}, or \${env.NAME}` : 'define it under `vars:` or capture it in an earlier step; ${env.NAME} reads the environment');
        }
      } else if (isMap(n)) for (const p of n.items) check(p.value);
      else if (isSeq(n)) for (const i of n.items) check(i);
    };
    check(node);
  }

  /** Step options (also `defaults:`): known keys and the right kinds of value. */
  private stepOptions(node: unknown, where: string, kind?: StepKind, out: Record<string, unknown> = {}, keyPos: Record<string, Pos> = {}): Record<string, unknown> {
    const m = this.map(node, where);
    const allowed = [...COMMON_OPTIONS, ...(kind ? KIND_OPTIONS[kind] : Object.values(KIND_OPTIONS).flat())];
    for (const pair of m.items) {
      const key = this.keyOf(pair);
      if (!allowed.includes(key)) this.unknownKey(pair, key, allowed, where);
      out[key] = this.optionValue(pair, key);
      keyPos[key] = this.pos(pair.key);
    }
    return out;
  }

  private optionValue(pair: Pair<Node, Node>, key: string): unknown {
    const v = pair.value;
    if (key === 'headers') {
      if (isMap(v)) {
        return (v as YAMLMap<Node, Node>).items.map((p) => `${this.keyOf(p)}: ${this.str(p.value, `header ${this.keyOf(p)}`)}`);
      }
      if (isSeq(v)) return v.items.map((i) => this.str(i, 'a header ("Name: value")'));
      this.fail(v ?? pair.key, '`headers:` must be a mapping (Name: value) or a list of "Name: value"');
    }
    if (key === 'route') {
      if (isSeq(v)) return v.items.map((i) => this.str(i, 'a route'));
      return [this.str(v, 'route')];
    }
    if (key === 'auth') {
      const m = this.map(v, '`auth:`', 'example: auth: { user: alice, password: "${env.ALICE_PASSWORD}" }');
      const out: Record<string, string> = {};
      for (const p of m.items) {
        const k = this.keyOf(p);
        if (!AUTH_KEYS.includes(k)) this.unknownKey(p, k, AUTH_KEYS, '`auth:`');
        out[k] = this.str(p.value, `auth.${k}`);
      }
      if (out.password !== undefined && out.ha1 !== undefined) this.fail(v, '`auth:` takes `password` or `ha1`, not both');
      if (out.password === undefined && out.ha1 === undefined) this.fail(v, '`auth:` needs `password` (or `ha1`)', 'example: password: "${env.ALICE_PASSWORD}" (a value from the environment is never printed)');
      return out;
    }
    if (BOOLEAN_OPTIONS.has(key)) {
      if (!isScalar(v) || typeof v.value !== 'boolean') this.fail(v ?? pair.key, `${key} must be true or false`);
      return v.value;
    }
    if (DURATION_OPTIONS.has(key)) return this.duration(v, key);
    if (key === 'expires') return this.integer(v, 'expires', 0, 2 ** 31 - 1);
    return this.str(v, key);
  }

  private step(node: unknown, known: Set<string>): Step {
    const m = this.map(node, 'a step', `a step starts with one of ${STEP_KINDS.join(', ')}`);
    const actions = m.items.filter((p) => STEP_KINDS.includes(this.keyOf(p) as StepKind));
    if (actions.length === 0) this.fail(node, `a step needs one of ${STEP_KINDS.map((k) => `\`${k}:\``).join(', ')}`, nearestAction(m.items.map((p) => this.keyOf(p))));
    if (actions.length > 1) this.fail(actions[1]!.key, `a step does one thing: \`${this.keyOf(actions[0]!)}\` and \`${this.keyOf(actions[1]!)}\` are in the same step`, 'split them into two steps (each starting with "- ")');
    const action = actions[0]!;
    const kind = this.keyOf(action) as StepKind;
    this.refs(node, known);
    const value = this.actionValue(kind, action);
    const options: Record<string, unknown> = {};
    const keyPos: Record<string, Pos> = {};
    let expect: Expect | undefined;
    let capture: Capture[] | undefined;
    let retry: Retry | undefined;
    const allowed = [...META, ...COMMON_OPTIONS, ...KIND_OPTIONS[kind]];
    for (const pair of m.items) {
      if (pair === action) continue;
      const key = this.keyOf(pair);
      keyPos[key] = this.pos(pair.key);
      if (key === 'expect') expect = this.expect(pair.value, kind);
      else if (key === 'capture') capture = this.capture(pair.value);
      else if (key === 'retry') retry = this.retry(pair.value);
      else if (key === 'name') options.name = this.str(pair.value, 'name');
      else if (!allowed.includes(key)) {
        const other = (Object.keys(KIND_OPTIONS) as StepKind[]).find((k) => KIND_OPTIONS[k].includes(key));
        if (other) this.fail(pair.key, `\`${key}\` belongs to \`${other}\` steps, not \`${kind}\``);
        this.unknownKey(pair, key, allowed, `a \`${kind}\` step`);
      } else options[key] = this.optionValue(pair, key);
    }
    if (kind === 'request' && options.method === undefined) this.fail(action.key, '`request:` needs `method:`', 'example: - request: "sip:bob@${pbx}"\n    method: INFO');
    if ((kind === 'wait' || kind === 'answer') && (expect || capture)) this.fail(action.key, `a \`${kind}\` step has no response to expect or capture from`);
    for (const c of capture ?? []) known.add(c.name);
    return { kind, value, options, ...(expect ? { expect } : {}), ...(capture ? { capture } : {}), ...(retry ? { retry } : {}), pos: this.pos(action.key), keyPos };
  }

  private actionValue(kind: StepKind, pair: Pair<Node, Node>): unknown {
    const v = pair.value;
    switch (kind) {
      case 'wait':
        return this.duration(v, 'wait');
      case 'bye': {
        if (v === null || (isScalar(v) && v.value === null)) return {};
        const m = this.map(v, '`bye:`', 'bye: {} ends the call of the earlier invite step');
        const out: Record<string, string> = {};
        for (const p of m.items) {
          const k = this.keyOf(p);
          if (!BYE_KEYS.includes(k)) this.unknownKey(p, k, BYE_KEYS, '`bye:`');
          out[k] = this.str(p.value, `bye.${k}`);
        }
        if (Object.keys(out).length > 0 && (!out.target || !out['call-id'] || !out['from-tag'] || !out['to-tag'])) {
          this.fail(v, '`bye:` for another dialog needs target, call-id, from-tag and to-tag', 'or bye: {} for the call of the earlier invite step');
        }
        return out;
      }
      case 'answer': {
        if (isScalar(v) && typeof v.value === 'number') return { port: this.integer(v, 'answer port', 0, 65535) };
        if (isScalar(v) && typeof v.value === 'string' && v.value.includes('${')) return { port: v.value };
        const m = this.map(v, '`answer:`', 'example: answer: { port: 5090, respond: 200, timeout: 30s }');
        const out: Record<string, unknown> = {};
        for (const p of m.items) {
          const k = this.keyOf(p);
          if (!ANSWER_KEYS.includes(k)) this.unknownKey(p, k, ANSWER_KEYS, '`answer:`');
          // a port from a variable (`port: "${port}"`) is checked once it is filled in
          if (k === 'port') out.port = isScalar(p.value) && typeof p.value.value === 'string' && p.value.value.includes('${') ? p.value.value : this.integer(p.value, 'answer.port', 0, 65535);
          else if (k === 'respond') out.respond = this.integer(p.value, 'answer.respond', 200, 699);
          else if (k === 'timeout' || k === 'ring') out[k] = this.duration(p.value, `answer.${k}`);
          else if (k === 'media') {
            if (!isScalar(p.value) || typeof p.value.value !== 'boolean') this.fail(p.value, 'answer.media must be true or false');
            out.media = p.value.value;
          } else out[k] = this.str(p.value, `answer.${k}`);
        }
        return out;
      }
      default:
        return this.str(v, `${kind} target`);
    }
  }

  private expect(node: unknown, kind: StepKind): Expect {
    const m = this.map(node, '`expect:`', 'example: expect: { status: 200, within: 1s }');
    const e: Expect = { pos: {} };
    for (const pair of m.items) {
      const key = this.keyOf(pair);
      const v = pair.value;
      e.pos[key] = this.pos(pair.key);
      switch (key) {
        case 'status': {
          const items = isSeq(v) ? v.items : [v];
          e.status = items.map((i) => {
            const s = isScalar(i) ? String(i.value).toLowerCase() : '';
            if (!/^[1-6](\d\d|xx)$/.test(s)) this.fail(i, `status ${JSON.stringify(isScalar(i) ? i.value : null)} is not a status code or class`, 'use a code from 100 to 699, a class like 4xx, or a list: [404, 480]');
            return s;
          });
          if (e.status.length === 0) this.fail(v, '`status:` needs at least one status');
          break;
        }
        case 'provisional': {
          if (!isSeq(v)) this.fail(v ?? pair.key, '`provisional:` must be a list of 1xx codes', 'example: provisional: [100, 180]');
          e.provisional = v.items.map((i) => this.integer(i, 'a provisional status', 100, 199));
          break;
        }
        case 'within':
          e.withinMs = this.duration(v, 'within');
          break;
        case 'header': {
          const hm = this.map(v, '`header:`', 'example: header: { Server: "/Kamailio/" }');
          e.header = hm.items.map((p) => {
            const text = this.str(p.value, `header ${this.keyOf(p)}`);
            e.pos[`header.${this.keyOf(p)}`] = this.pos(p.value);
            return { name: this.keyOf(p), pattern: this.pattern(p.value, text) };
          });
          break;
        }
        case 'body': {
          const text = this.str(v, 'body');
          const p = this.pattern(v, text.startsWith('/') ? text : `/${text.replace(/\//g, '\\/')}/`);
          if ('exact' in p) this.fail(v, 'body must be a regular expression');
          e.body = p;
          break;
        }
        case 'retransmissions':
          e.retransmissions = this.integer(v, 'retransmissions', 0, 1000);
          break;
        case 'verdict':
          e.verdict = this.str(v, 'verdict');
          break;
        default:
          this.unknownKey(pair, key, EXPECT_KEYS, '`expect:`');
      }
    }
    if (e.provisional && kind !== 'invite') this.fail(m, '`provisional:` is for `invite` steps (other requests get no 1xx worth checking)');
    return e;
  }

  /** `"/regex/flags"` or an exact text. */
  private pattern(node: unknown, text: string): { exact: string } | { regex: RegExp; source: string } {
    const m = /^\/(.*)\/([dgimsuy]*)$/s.exec(text);
    if (!m) return { exact: text };
    try {
      return { regex: new RegExp(m[1]!, m[2]!.replace('g', '')), source: text };
    } catch (err) {
      this.fail(node, `not a regular expression: ${(err as Error).message}`);
    }
  }

  private capture(node: unknown): Capture[] {
    const m = this.map(node, '`capture:`', 'example: capture: { tag: "To;tag", contact: "header:Contact", id: "body:/id=(\\w+)/" }');
    return m.items.map((pair) => {
      const name = this.keyOf(pair);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name === 'env') this.fail(pair.key, `capture name ${JSON.stringify(name)} is not a word (or is the reserved env)`);
      const text = this.str(pair.value, `capture ${name}`);
      const pos = this.pos(pair.value);
      if (text === 'status') return { name, from: { kind: 'status' }, pos };
      if (text === 'reason') return { name, from: { kind: 'reason' }, pos };
      if (text.startsWith('body:')) {
        const p = this.pattern(pair.value, text.slice(5));
        if ('exact' in p) this.fail(pair.value, 'a body capture is a regular expression: "body:/re(.)x/"');
        return { name, from: { kind: 'body', regex: p.regex }, pos };
      }
      const h = text.startsWith('header:') ? text.slice(7) : text;
      const [header, param] = h.split(';');
      if (!/^[A-Za-z0-9\-_.!%*+`'~]+$/.test(header ?? '') || (param !== undefined && !/^[A-Za-z0-9\-_.!%*+`'~]+$/.test(param))) {
        this.fail(pair.value, `capture ${JSON.stringify(text)} is not "Header", "Header;param", "header:Name" or "body:/re(.)x/"`);
      }
      return { name, from: { kind: 'header', header: header!, ...(param ? { param } : {}) }, pos };
    });
  }
}

function nearestAction(keys: string[]): string | undefined {
  for (const k of keys) {
    const n = nearest(k, STEP_KINDS);
    if (n) return `did you mean "${n}" (for "${k}")?`;
  }
  return undefined;
}

/** Loads and checks a test file's text. Throws FileError. */
export function validateYaml(y: LoadedYaml, env?: Record<string, string | undefined>): TestFile {
  return new Validator(y, env).file();
}

/**
 * The JSON Schema of the test file (`sipcall test --schema`), for editors (yaml-language-server)
 * and CI linters. It is built from the same key lists the validator checks (validate.ts), so
 * the two cannot drift apart on which keys exist; the validator adds what a schema cannot say
 * (positions, `${…}` references, plans that can be built).
 */
import { COMMON_OPTIONS, KIND_OPTIONS } from './validate.js';
import { STEP_KINDS, type StepKind } from './types.js';

const duration = { description: 'a duration: 2s, 500ms, 1m, or a number of seconds', anyOf: [{ type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s|m|min)?\\s*$' }, { type: 'number', minimum: 0 }] };
const ms = { description: 'milliseconds: 500 or 500ms', anyOf: [{ type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*(ms|s)?\\s*$' }, { type: 'number', exclusiveMinimum: 0 }] };
const str = { type: 'string' };
const bool = { type: 'boolean' };
const status = { anyOf: [{ type: 'integer', minimum: 100, maximum: 699 }, { type: 'string', pattern: '^[1-6](\\d\\d|xx)$' }] };

const OPTION_SCHEMAS: Record<string, unknown> = {
  transport: { enum: ['udp', 'tcp', 'tls', 'ws', 'wss', 'UDP', 'TCP', 'TLS', 'WS', 'WSS'] },
  proxy: str,
  route: { anyOf: [str, { type: 'array', items: str }] },
  headers: { description: 'extra headers', anyOf: [{ type: 'object', additionalProperties: { type: ['string', 'number'] } }, { type: 'array', items: str }] },
  from: str,
  'user-agent': str,
  local: str,
  t1: ms,
  t2: ms,
  t4: ms,
  'keep-trying': bool,
  follow: bool,
  ca: str,
  cert: str,
  key: str,
  insecure: bool,
  'ws-url': str,
  'dns-server': str,
  ipv4: bool,
  ipv6: bool,
  auth: {
    type: 'object',
    additionalProperties: false,
    properties: { user: str, 'auth-user': str, password: { type: 'string', description: 'use "${env.NAME}": a value from the environment is never printed' }, ha1: str },
  },
  expires: { type: 'integer', minimum: 0 },
  contact: str,
  registrar: str,
  unregister: bool,
  'unregister-all': bool,
  query: bool,
  hold: duration,
  sdp: bool,
  media: bool,
  play: str,
  record: str,
  'record-both': str,
  dtmf: { type: ['string', 'number'] },
  'dtmf-mode': { enum: ['rfc4733', 'info', 'inband', 'auto'] },
  'media-timeout': duration,
  'ring-timeout': duration,
  '100rel': { enum: ['require', 'supported', 'off'] },
  'rtp-port': { type: ['string', 'number'] },
  'expect-tone': { type: ['string', 'number'] },
  'late-offer': bool,
  'session-expires': { type: ['string', 'number'] },
  'hold-after': duration,
  'hold-for': duration,
  body: str,
  'content-type': str,
  method: { type: 'string', pattern: "^[A-Za-z0-9\\-.!%*_+`'~]+$" },
};

const ACTION_SCHEMAS: Record<StepKind, unknown> = {
  options: { type: 'string', description: 'target URI' },
  register: { type: 'string', description: 'address-of-record' },
  invite: { type: 'string', description: 'target URI' },
  message: { type: 'string', description: 'target URI' },
  request: { type: 'string', description: 'target URI (the method goes in `method:`)' },
  bye: {
    anyOf: [
      { type: 'null' },
      { type: 'object', additionalProperties: false, properties: {} },
      { type: 'object', additionalProperties: false, required: ['target', 'call-id', 'from-tag', 'to-tag'], properties: { target: str, 'call-id': str, 'from-tag': str, 'to-tag': str, cseq: { type: ['string', 'integer'] } } },
    ],
  },
  wait: duration,
  answer: {
    anyOf: [
      { type: 'integer', minimum: 0, maximum: 65535 },
      { type: 'string', pattern: '\\$\\{', description: 'a port from a variable, e.g. "${port}"' },
      { type: 'object', additionalProperties: false, properties: { port: { anyOf: [{ type: 'integer', minimum: 0, maximum: 65535 }, { type: 'string', pattern: '\\$\\{' }] }, address: str, transport: { enum: ['udp', 'tcp'] }, respond: { type: 'integer', minimum: 200, maximum: 699 }, ring: duration, timeout: duration, media: bool } },
    ],
  },
};

const expect = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { anyOf: [status, { type: 'array', items: status, minItems: 1 }] },
    provisional: { type: 'array', items: { type: 'integer', minimum: 100, maximum: 199 } },
    within: duration,
    header: { type: 'object', additionalProperties: { type: 'string', description: 'the exact value, or /regex/' } },
    body: { type: 'string', description: 'a regular expression' },
    retransmissions: { type: 'integer', minimum: 0 },
    verdict: str,
  },
};
const retry = { type: 'object', additionalProperties: false, required: ['every', 'for'], properties: { every: duration, for: duration } };
const capture = { type: 'object', additionalProperties: { type: 'string', description: '"To;tag", "header:Contact", "body:/re(.)x/", "status" or "reason"' } };
const vars = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };

function stepSchema(kind: StepKind): unknown {
  const props: Record<string, unknown> = { [kind]: ACTION_SCHEMAS[kind], name: str };
  if (kind !== 'wait' && kind !== 'answer') Object.assign(props, { expect, capture });
  props.retry = retry;
  for (const k of [...COMMON_OPTIONS, ...KIND_OPTIONS[kind]]) props[k] = OPTION_SCHEMAS[k];
  return { type: 'object', required: [kind], additionalProperties: false, properties: props };
}

/** The schema as a plain object. */
export function testFileSchema(): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const k of [...COMMON_OPTIONS, ...Object.values(KIND_OPTIONS).flat()]) defaults[k] = OPTION_SCHEMAS[k];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/sipcall/sipcall/schema/testfile.json',
    title: 'sipcall test file',
    description: 'Smoke tests of a SIP service, run by `sipcall test FILE.yaml` (docs/testfile.md).',
    type: 'object',
    required: ['tests'],
    additionalProperties: false,
    properties: {
      $schema: str,
      vars,
      defaults: { type: 'object', additionalProperties: false, properties: defaults },
      tests: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          required: ['name', 'steps'],
          additionalProperties: false,
          properties: {
            name: str,
            vars,
            repeat: { type: 'integer', minimum: 1 },
            retry,
            steps: { type: 'array', minItems: 1, items: { $ref: '#/definitions/step' } },
            finally: { type: 'array', items: { $ref: '#/definitions/step' } },
          },
        },
      },
    },
    definitions: { step: { oneOf: STEP_KINDS.map(stepSchema) } },
  };
}

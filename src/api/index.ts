// The library API (docs/library.md): one promise-returning function per kind of request, each
// running what the matching CLI command runs, with a typed result and the event stream.
export { options, type OptionsResult } from './options.js';
export { register, type Binding, type RegisterResult } from './register.js';
export { call, type CallResult } from './call.js';
export { request } from './request.js';
export { headerValues, type ProvisionalSeen, type ResultHeader, type ResultResponse, type SipResult } from './result.js';
export type { SipRun } from './run.js';
export type { AuthOptions, CallOptions, CommonOptions, HeaderInput, MediaOptions, PingOptions, RegisterOptions, RequestOptions, TimerSettings, TlsSettings } from './types.js';
export { UsageError } from '../engine/errors.js';

// The library API: everything a script needs to use sipcall's SIP machinery without the CLI.
export * from './sip/message.js';
export * from './sip/headers.js';
export * from './sip/serialize.js';
export * from './events/types.js';
export type { Clock, TimerHandle } from './clock/clock.js';
export { SystemClock } from './clock/system-clock.js';
export { describeStatus, isValidStatusCode, categoryOf, standInFor, STATUS_CODES, type StatusInfo } from './sip/status.js';
export { createPresenter, resolveColorLevel } from './present/index.js';
export type { ColorFlags, ColorLevel, OutputMode, Presenter, PresenterOptions } from './present/index.js';
// Transports: UDP, TCP (client and listener), stream framing, name resolution.
export * from './transport/index.js';
// Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760): pure; see docs/auth.md.
export { parseChallenges, chooseChallenge, chooseChallenges, chooseQop, computeCredentials, formatNonceCount } from './auth/index.js';
export { DigestSession, challengeResponseFrom, SUPPORTED_ALGORITHMS, SUPPORTED_QOPS } from './auth/index.js';
export { AuthError, UnsupportedChallengeError, CredentialsError, DigestInputError } from './auth/index.js';
export type { Challenge, Choice, ChooseOptions, ChoicePolicy, ComputeCredentialsInput, ComputedCredentials } from './auth/index.js';
export type { DigestAlgorithm, Qop, HashName, RefusedChallenge, RandomSource as DigestRandomSource } from './auth/index.js';
export type { DigestCredentials, DigestRequest, ChallengeResponse, AuthorizationHeader, AuthorizationHeaderName } from './auth/index.js';
export type { Rejection, DigestOutcome, DigestSessionOptions } from './auth/index.js';
// Client transactions (RFC 3261 §17.1, RFC 6026): state machines, timers, the TransactionLayer driver.
export * from './transaction/index.js';
// The SIP message layer (RFC 3261 §7, §19, §20, §25): parse, inspect, URIs, typed headers, ids.
export * from './sip/parse.js';
export * from './sip/inspect.js';
export * from './sip/fields.js';
export * from './sip/ids.js';
export * from './sip/uri.js';
export * from './sip/host.js';
export * from './sip/name-addr.js';
export * from './sip/contact.js';
export * from './sip/via.js';
export * from './sip/cseq.js';
export * from './sip/params.js';
export * from './sip/header-names.js';
export * from './sip/split-list.js';
export * from './sip/content-length.js';
export * from './sip/content-type.js';
export * from './sip/delta-seconds.js';
export * from './sip/expires.js';
export * from './sip/max-forwards.js';
export * from './sip/retry-after.js';
export * from './sip/token-list.js';
export * from './sip/product.js';
export * from './sip/warning.js';
export * from './sip/auth-header.js';
export * from './sip/date.js';
// Verdicts (docs/verdicts.md): why a run did not end cleanly, from its events; the diagnose battery.
export { analyzeRun, collectFacts, NOTE_CODE, UDP_SIZE_LIMIT, VERDICT_IDS } from './engine/verdict/index.js';
export type { AnalyzeOptions, RunFacts, TxFacts, VerdictId } from './engine/verdict/index.js';
export { runDiagnose } from './engine/diagnose.js';
export type { DiagnosePlan, DiagnoseReport, DiagnoseStep, DiagnoseStepName } from './engine/diagnose.js';

// Media (docs/media.md): the pure RTP session and its socket pair, for library users and benches.
export { MediaSession } from './media/session.js';
export type { MediaSessionConfig, MediaSessionPorts, MediaObserver, MediaSessionSnapshot } from './media/session.js';
export { ToneSource } from './media/tone.js';
export { RtpSocketPair } from './transport/rtp-socket.js';

// The library API (docs/library.md): options(), register(), call(), request(), typed results,
// the event stream as a callback and an async iterator, AbortSignal for CANCEL/BYE.
export * from './api/index.js';
export { runTests, FileError, type RunTestsOptions, type TestRun, type TestRunResult, type TestRunFailure } from './testfile/index.js';

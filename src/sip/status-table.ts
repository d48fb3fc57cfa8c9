/**
 * The SIP response-code table as data: every code in the IANA "Response Codes" registry
 * (https://www.iana.org/assignments/sip-parameters), its reason phrase, a one-sentence meaning in
 * plain words, the RFC that defines it, and for the common ones what to check next.
 *
 * Reason phrases are the canonical ones; on the wire they are free text (RFC 3261 §7.2 "the
 * Reason-Phrase is intended to give a short textual description of the Status-Code"), so match
 * on the code, never on the phrase. The category is derived from the first digit (RFC 3261 §7.2,
 * §21) in `status.ts`, not stored here.
 */
export interface StatusRow {
  code: number;
  reason: string;
  meaning: string;
  rfc: string;
  next?: string;
}

/** RFC 3261 §21.1 Provisional 1xx, and later registrations. */
const PROVISIONAL: StatusRow[] = [
  {
    code: 100,
    reason: 'Trying',
    meaning: 'the next hop got the request and is working on it (it stops retransmissions, nothing more)',
    rfc: 'RFC 3261',
  },
  { code: 180, reason: 'Ringing', meaning: 'the callee is being alerted', rfc: 'RFC 3261' },
  {
    code: 181,
    reason: 'Call Is Being Forwarded',
    meaning: 'the call is being forwarded to another destination',
    rfc: 'RFC 3261',
  },
  {
    code: 182,
    reason: 'Queued',
    meaning: 'the callee is busy or unavailable and the call has been queued',
    rfc: 'RFC 3261',
  },
  {
    code: 183,
    reason: 'Session Progress',
    meaning: 'the call is progressing and early media (announcements, ringback) may follow',
    rfc: 'RFC 3261',
  },
  {
    code: 199,
    reason: 'Early Dialog Terminated',
    meaning: 'one early dialog of a forked call has ended; others may still answer',
    rfc: 'RFC 6228',
  },
];

/** RFC 3261 §21.2 Successful 2xx, and later registrations. */
const SUCCESS: StatusRow[] = [
  { code: 200, reason: 'OK', meaning: 'the request succeeded', rfc: 'RFC 3261' },
  {
    code: 202,
    reason: 'Accepted',
    meaning: 'the request was accepted for processing but not yet acted on (deprecated since RFC 6665)',
    rfc: 'RFC 6665',
  },
  {
    code: 204,
    reason: 'No Notification',
    meaning: 'the subscription was refreshed and no NOTIFY will follow because nothing changed',
    rfc: 'RFC 5839',
  },
];

/** RFC 3261 §21.3 Redirection 3xx. */
const REDIRECTION: StatusRow[] = [
  {
    code: 300,
    reason: 'Multiple Choices',
    meaning: 'the callee can be reached at several addresses, listed in Contact',
    rfc: 'RFC 3261',
    next: 'pick one of the Contact addresses in the response and send the request there',
  },
  {
    code: 301,
    reason: 'Moved Permanently',
    meaning: 'the callee is no longer at this address; the new one is in Contact',
    rfc: 'RFC 3261',
    next: 'update the target to the Contact address in the response',
  },
  {
    code: 302,
    reason: 'Moved Temporarily',
    meaning: 'the callee is reachable for now at the address in Contact',
    rfc: 'RFC 3261',
    next: 'retry the request towards the Contact address in the response',
  },
  {
    code: 305,
    reason: 'Use Proxy',
    meaning: 'the request must go through the proxy named in Contact',
    rfc: 'RFC 3261',
  },
  {
    code: 380,
    reason: 'Alternative Service',
    meaning: 'the call failed but alternative services are possible, described in the body',
    rfc: 'RFC 3261',
  },
];

/** RFC 3261 §21.4 Request Failure 4xx, and later registrations. */
const CLIENT_ERROR: StatusRow[] = [
  {
    code: 400,
    reason: 'Bad Request',
    meaning: 'the request was malformed and could not be understood',
    rfc: 'RFC 3261',
    next: 'look for a Warning header or a reason phrase naming the bad part; run -v to see the request as sent',
  },
  {
    code: 401,
    reason: 'Unauthorized',
    meaning: 'the user agent or registrar wants you to authenticate (challenge in WWW-Authenticate)',
    rfc: 'RFC 3261',
    next: 'give sipcall a username and password; if they were sent, check the username, password and realm',
  },
  {
    code: 402,
    reason: 'Payment Required',
    meaning: 'reserved for future use; some servers send it when an account has no credit',
    rfc: 'RFC 3261',
  },
  {
    code: 403,
    reason: 'Forbidden',
    meaning: 'the server understood the request and refuses it; authenticating again will not help',
    rfc: 'RFC 3261',
    next: 'check the account is allowed to do this (call this destination, register this AOR, from this IP); wrong credentials can also end in 403 on some servers',
  },
  {
    code: 404,
    reason: 'Not Found',
    meaning: 'the user does not exist in the domain named in the Request-URI',
    rfc: 'RFC 3261',
    next: 'check the user part and domain of the Request-URI; the callee may not be registered',
  },
  {
    code: 405,
    reason: 'Method Not Allowed',
    meaning: 'the method is known but not allowed for this address (see Allow)',
    rfc: 'RFC 3261',
    next: 'see the Allow header of the response for the methods this target accepts',
  },
  {
    code: 406,
    reason: 'Not Acceptable',
    meaning: 'the response the server could give is not acceptable per the Accept headers sent',
    rfc: 'RFC 3261',
  },
  {
    code: 407,
    reason: 'Proxy Authentication Required',
    meaning: 'a proxy on the path wants you to authenticate (challenge in Proxy-Authenticate)',
    rfc: 'RFC 3261',
    next: 'give sipcall a username and password for the proxy realm; if they were sent, check the username, password and realm',
  },
  {
    code: 408,
    reason: 'Request Timeout',
    meaning: 'the server could not produce a response in time (e.g. the callee never answered a forked request)',
    rfc: 'RFC 3261',
    next:
      'a 408 from the peer means a server on the path gave up waiting downstream (often the callee device); ' +
      "sipcall's own timeout is shown as 408 (local) and means nothing final came back at all: check the address, port, transport and firewall",
  },
  {
    code: 410,
    reason: 'Gone',
    meaning: 'the user existed here once but is no longer available and no forwarding address is known',
    rfc: 'RFC 3261',
  },
  {
    code: 412,
    reason: 'Conditional Request Failed',
    meaning: 'the entity tag in SIP-If-Match of a PUBLISH matched no current publication',
    rfc: 'RFC 3903',
  },
  {
    code: 413,
    reason: 'Request Entity Too Large',
    meaning: 'the request body is larger than the server is willing to process',
    rfc: 'RFC 3261',
  },
  {
    code: 414,
    reason: 'Request-URI Too Long',
    meaning: 'the Request-URI is longer than the server is willing to interpret',
    rfc: 'RFC 3261',
  },
  {
    code: 415,
    reason: 'Unsupported Media Type',
    meaning: 'the body format (Content-Type, Content-Encoding or Content-Language) is not supported',
    rfc: 'RFC 3261',
    next:
      'the body type itself was refused (see Accept): this is about the Content-Type, not the codecs; ' +
      'for an SDP offer whose codecs or media were refused the answer is 488',
  },
  {
    code: 416,
    reason: 'Unsupported URI Scheme',
    meaning: 'the server does not understand the scheme of the Request-URI',
    rfc: 'RFC 3261',
  },
  {
    code: 417,
    reason: 'Unknown Resource-Priority',
    meaning: 'the Resource-Priority header named a namespace or priority the server does not know',
    rfc: 'RFC 4412',
  },
  {
    code: 420,
    reason: 'Bad Extension',
    meaning: 'the server does not support an extension listed in Proxy-Require or Require',
    rfc: 'RFC 3261',
    next: 'the Unsupported header of the response names the extension; drop it from Require/Proxy-Require',
  },
  {
    code: 421,
    reason: 'Extension Required',
    meaning: 'the server needs an extension that the request did not list in Supported',
    rfc: 'RFC 3261',
    next: 'the Require header of the response names the extension the server wants (e.g. 100rel, timer)',
  },
  {
    code: 422,
    reason: 'Session Interval Too Small',
    meaning: 'the Session-Expires interval asked for is below the server minimum (see Min-SE)',
    rfc: 'RFC 4028',
    next: 'retry with Session-Expires at least the Min-SE value of the response',
  },
  {
    code: 423,
    reason: 'Interval Too Brief',
    meaning: 'the expiration time asked for is too short for the server (see Min-Expires)',
    rfc: 'RFC 3261',
    next: 'retry with Expires at least the Min-Expires value of the response',
  },
  {
    code: 424,
    reason: 'Bad Location Information',
    meaning: 'the location information in the request was malformed or unsatisfactory',
    rfc: 'RFC 6442',
  },
  {
    code: 425,
    reason: 'Bad Alert Message',
    meaning: 'the alert message (e.g. a Common Alerting Protocol body) in the request was refused',
    rfc: 'RFC 8876',
  },
  {
    code: 428,
    reason: 'Use Identity Header',
    meaning: 'the server requires a valid Identity header and none was sent',
    rfc: 'RFC 8224',
  },
  {
    code: 429,
    reason: 'Provide Referrer Identity',
    meaning: 'the REFER target needs a valid Referred-By token from the referrer',
    rfc: 'RFC 3892',
  },
  {
    code: 430,
    reason: 'Flow Failed',
    meaning: 'a specific outbound flow to a user agent failed, though other flows may work',
    rfc: 'RFC 5626',
  },
  {
    code: 433,
    reason: 'Anonymity Disallowed',
    meaning: 'the callee refuses anonymous requests',
    rfc: 'RFC 5079',
  },
  {
    code: 436,
    reason: 'Bad Identity Info',
    meaning: 'the Identity header referred to a certificate that could not be fetched or parsed',
    rfc: 'RFC 8224',
  },
  {
    code: 437,
    reason: 'Unsupported Credential',
    meaning: 'the credential behind the Identity header was not acceptable to the verifier',
    rfc: 'RFC 8224',
  },
  {
    code: 438,
    reason: 'Invalid Identity Header',
    meaning: 'the Identity header signature did not verify',
    rfc: 'RFC 8224',
  },
  {
    code: 439,
    reason: 'First Hop Lacks Outbound Support',
    meaning: 'the registrar supports outbound but the first-hop proxy does not',
    rfc: 'RFC 5626',
  },
  {
    code: 440,
    reason: 'Max-Breadth Exceeded',
    meaning: 'forking would exceed the Max-Breadth limit of the request',
    rfc: 'RFC 5393',
  },
  {
    code: 469,
    reason: 'Bad Info Package',
    meaning: 'the INFO request named an Info Package the receiver did not agree to',
    rfc: 'RFC 6086',
  },
  {
    code: 470,
    reason: 'Consent Needed',
    meaning: 'the request was refused because the recipient has not given consent to receive it',
    rfc: 'RFC 5360',
  },
  {
    code: 480,
    reason: 'Temporarily Unavailable',
    meaning: 'the callee is known but not reachable right now (not registered, do-not-disturb, offline)',
    rfc: 'RFC 3261',
    next: 'check the callee is registered and online; a Retry-After header may say when to try again',
  },
  {
    code: 481,
    reason: 'Call/Transaction Does Not Exist',
    meaning: 'the server has no dialog or transaction matching this request',
    rfc: 'RFC 3261',
    next: 'the peer lost the call state (restart, expiry) or the Call-ID/tags/CSeq of the in-dialog request do not match what it holds',
  },
  {
    code: 482,
    reason: 'Loop Detected',
    meaning: 'the request came back to a server it already passed through',
    rfc: 'RFC 3261',
    next: 'a routing loop: check the proxy routes and the Via headers of the response; a proxy may point back to itself',
  },
  {
    code: 483,
    reason: 'Too Many Hops',
    meaning: 'Max-Forwards reached zero before the request got to its target',
    rfc: 'RFC 3261',
    next: 'likely a routing loop; otherwise raise Max-Forwards (default 70) if the path is really that long',
  },
  {
    code: 484,
    reason: 'Address Incomplete',
    meaning: 'the Request-URI is incomplete (e.g. too few digits dialled)',
    rfc: 'RFC 3261',
  },
  {
    code: 485,
    reason: 'Ambiguous',
    meaning: 'the Request-URI matched several users; candidates may be in Contact',
    rfc: 'RFC 3261',
  },
  {
    code: 486,
    reason: 'Busy Here',
    meaning: 'the callee is busy at this end system',
    rfc: 'RFC 3261',
    next: 'the callee is reachable but busy; try later (Retry-After may say when) or another contact',
  },
  {
    code: 487,
    reason: 'Request Terminated',
    meaning: 'the request was ended by a CANCEL or BYE before it completed',
    rfc: 'RFC 3261',
    next: 'expected after sipcall sends CANCEL (ring timeout or Ctrl-C); if sipcall sent none, something on the path cancelled it',
  },
  {
    code: 488,
    reason: 'Not Acceptable Here',
    meaning: 'the session description was understood but its media, codecs or parameters are not acceptable',
    rfc: 'RFC 3261',
    next: 'the SDP offer was refused (codecs, media types, addresses); compare with a Warning header and the codecs the callee supports; a refused body type would be 415',
  },
  {
    code: 489,
    reason: 'Bad Event',
    meaning: 'the event package named in the Event header is not understood',
    rfc: 'RFC 6665',
  },
  {
    code: 491,
    reason: 'Request Pending',
    meaning: 'another request (e.g. a re-INVITE) is already in progress in this dialog',
    rfc: 'RFC 3261',
    next: 'both sides sent a re-INVITE at once (glare): wait a random interval (RFC 3261 §14.1) and retry',
  },
  {
    code: 493,
    reason: 'Undecipherable',
    meaning: 'the request carried an encrypted (S/MIME) body the server could not decrypt',
    rfc: 'RFC 3261',
  },
  {
    code: 494,
    reason: 'Security Agreement Required',
    meaning: 'the server requires a security mechanism agreement before accepting requests',
    rfc: 'RFC 3329',
  },
];

/** RFC 3261 §21.5 Server Failure 5xx, and later registrations. */
const SERVER_ERROR: StatusRow[] = [
  {
    code: 500,
    reason: 'Server Internal Error',
    meaning: 'the server hit an unexpected condition and could not complete the request',
    rfc: 'RFC 3261',
    next: 'a fault on the server side: check its logs; a Retry-After header may say when to retry',
  },
  {
    code: 501,
    reason: 'Not Implemented',
    meaning: 'the server does not implement the method of the request',
    rfc: 'RFC 3261',
  },
  {
    code: 502,
    reason: 'Bad Gateway',
    meaning: 'a gateway or proxy got an invalid response from the server further on',
    rfc: 'RFC 3261',
  },
  {
    code: 503,
    reason: 'Service Unavailable',
    meaning: 'the server is overloaded or down for maintenance and cannot handle the request now',
    rfc: 'RFC 3261',
    next: 'honour the Retry-After header if present before retrying; otherwise try another server of the domain',
  },
  {
    code: 504,
    reason: 'Server Time-out',
    meaning: 'a server further on did not answer in time',
    rfc: 'RFC 3261',
  },
  {
    code: 505,
    reason: 'Version Not Supported',
    meaning: 'the server does not support the SIP version of the request',
    rfc: 'RFC 3261',
  },
  {
    code: 513,
    reason: 'Message Too Large',
    meaning: 'the message is longer than the server can process',
    rfc: 'RFC 3261',
  },
  {
    code: 555,
    reason: 'Push Notification Service Not Supported',
    meaning: 'the push notification service named in the request is not supported',
    rfc: 'RFC 8599',
  },
  {
    code: 580,
    reason: 'Precondition Failure',
    meaning: 'the preconditions for the session (e.g. QoS resources) could not be met',
    rfc: 'RFC 3312',
  },
];

/** RFC 3261 §21.6 Global Failures 6xx, and later registrations. */
const GLOBAL_FAILURE: StatusRow[] = [
  {
    code: 600,
    reason: 'Busy Everywhere',
    meaning: 'the callee is busy at every end system and no other location will help',
    rfc: 'RFC 3261',
  },
  {
    code: 603,
    reason: 'Decline',
    meaning: 'the callee explicitly declined the call',
    rfc: 'RFC 3261',
    next: 'the callee (a person or a policy) refused; retrying elsewhere will not help, unless Retry-After says when',
  },
  {
    code: 604,
    reason: 'Does Not Exist Anywhere',
    meaning: 'the callee does not exist anywhere',
    rfc: 'RFC 3261',
  },
  {
    code: 606,
    reason: 'Not Acceptable',
    meaning: 'the callee was reached but none of the offered session parameters is acceptable anywhere',
    rfc: 'RFC 3261',
    next: 'the session description (codecs, media) is refused everywhere; see the Warning header and offer different media',
  },
  {
    code: 607,
    reason: 'Unwanted',
    meaning: 'the callee marked this call as unwanted (e.g. spam)',
    rfc: 'RFC 8197',
  },
  {
    code: 608,
    reason: 'Rejected',
    meaning: 'an intermediary (e.g. a call-analytics service) rejected the call',
    rfc: 'RFC 8688',
  },
];

/** Every registered code, ascending. */
export const STATUS_ROWS: readonly StatusRow[] = [
  ...PROVISIONAL,
  ...SUCCESS,
  ...REDIRECTION,
  ...CLIENT_ERROR,
  ...SERVER_ERROR,
  ...GLOBAL_FAILURE,
];

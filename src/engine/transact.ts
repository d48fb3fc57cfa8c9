import type { TransactionOutcome } from '../events/types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import type { Session } from './session.js';

/** What one client transaction came to. */
export interface TransactionResult {
  outcome: TransactionOutcome;
  /** The final response from the wire, if one arrived. */
  final?: SipResponse;
  /** The status the transaction ended with (from the wire, or local 408/503). */
  status?: number;
  local?: boolean;
  provisionals: SipResponse[];
  /** Clock time of the first transmission and of the final response. */
  sentAt: number;
  finalAt?: number;
}

/**
 * Runs a request through a client transaction and resolves when the transaction has a result
 * (for an INVITE in a dialog, `onFinalAgain` hears the re-sent 2xx that need the ACK again): at the final response (the Completed state's Timer K then runs on in the
 * background, absorbing re-sent finals: the session keeps it until close), at Timer F, or at
 * a transport error.
 */
export function transact(session: Session, request: SipRequest, onProvisional?: (res: SipResponse) => void, onFinalAgain?: (res: SipResponse) => void): Promise<TransactionResult> {
  return new Promise((resolve) => {
    const sentAt = session.env.clock.now();
    const result: TransactionResult = { outcome: 'final', provisionals: [], sentAt };
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(result);
      }
    };
    session.request(request, {
      onResponse(res) {
        if (res.status < 200) {
          result.provisionals.push(res);
          onProvisional?.(res);
          return;
        }
        if (result.final) {
          // A 2xx to an INVITE again (the peer did not get our ACK, RFC 3261 §13.2.2.4).
          onFinalAgain?.(res);
          return;
        }
        result.final = res;
        result.status = res.status;
        result.local = false;
        result.finalAt = session.env.clock.now();
        finish();
      },
      onTerminated(t) {
        if (!result.final) {
          result.outcome = t.outcome;
          result.status = t.status;
          result.local = t.local;
        }
        finish();
      },
    });
  });
}

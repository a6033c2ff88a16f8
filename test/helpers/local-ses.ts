/**
 * Test access to the local SES endpoint (aws-ses-v2-local on loopback): the same start function
 * the local runner uses, re-exported so tests and `npm start` cannot drift apart.
 */
import { SESClient } from '@aws-sdk/client-ses';

export {
  clearLocalInbox,
  type LocalInboxEmail,
  type LocalSes,
  readLocalInbox,
  startLocalSes,
} from '../../lambdas/local/local-ses';

/**
 * An SES v1 client for the local endpoint. `maxAttempts: 1` because the mailer owns retries.
 *
 * @example const client = localSesClient(ses.endpoint);
 */
export function localSesClient(endpoint: string): SESClient {
  return new SESClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

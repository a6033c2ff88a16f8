import { loadConfig } from '../shared/config';
import { createLogger } from '../shared/logger';
import { sendDueDigests } from '../use-cases/schedule.use-case';
import { aws } from './aws-runtime';

const config = loadConfig(['TABLE_NAME', 'EMAIL_QUEUE_URL']);
const subscribers = aws.subscribers(config.TABLE_NAME);
const emailQueue = aws.emailQueue(config.EMAIL_QUEUE_URL);
const logger = createLogger('send-digests');

/** EventBridge Scheduler, hourly: queue the digests whose local time has come. */
export const handler = async (): Promise<{ queued: number }> => {
  const result = await sendDueDigests({ subscribers, emailQueue, clock: () => new Date() });
  logger.info('digests queued', result);
  return result;
};

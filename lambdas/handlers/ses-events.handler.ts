import { createSesEventsHandler } from '../app/ses-events';
import { loadConfig } from '../shared/config';
import { createLogger, portLogger } from '../shared/logger';
import { aws } from './aws-runtime';

const config = loadConfig(['TABLE_NAME']);

/** SNS topic fed by the SES configuration set: permanent bounces and complaints suppress the address. */
export const handler = createSesEventsHandler({
  subscribers: aws.subscribers(config.TABLE_NAME),
  clock: () => new Date(),
  logger: portLogger(createLogger('ses-events')),
});

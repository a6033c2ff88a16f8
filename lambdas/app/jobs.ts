import { z } from 'zod';
import type { EmailJob, MatchJob, PollJob } from '../use-cases/ports';

/** The queue messages' schemas: a message that fails them is a poison message, retried then dead-lettered. */
export const pollJobSchema: z.ZodType<PollJob> = z.object({ feedId: z.string().min(1).max(200) });

export const matchJobSchema: z.ZodType<MatchJob> = z.object({
  articleKey: z.string().min(1).max(200),
});

export const emailJobSchema: z.ZodType<EmailJob> = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('alert'),
    subscriberId: z.string().min(1).max(200),
    articleKey: z.string().min(1).max(200),
  }),
  z.object({
    kind: z.literal('digest'),
    subscriberId: z.string().min(1).max(200),
    periodId: z.string().min(1).max(100),
    since: z.iso.datetime(),
    until: z.iso.datetime().optional(),
  }),
  z.object({ kind: z.literal('confirmation'), subscriberId: z.string().min(1).max(200) }),
]);

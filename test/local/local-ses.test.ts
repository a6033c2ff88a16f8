import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isPortTaken } from '../../lambdas/local/dynamodb-local';
import { LocalSesError, readLocalInbox, startLocalSes } from '../../lambdas/local/local-ses';

describe('startLocalSes', () => {
  it('serves an empty inbox and a web viewer on a free loopback port, and frees it on stop', async () => {
    // Act
    const ses = await startLocalSes();
    const inbox = await readLocalInbox(ses.endpoint);
    const viewer = await fetch(ses.inboxUrl);
    await viewer.text();
    await ses.stop();

    // Assess
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(inbox).toEqual([]);
    expect(viewer.status).toBe(200);
    expect(await isPortTaken(ses.port)).toBe(false);
  });

  it('says which port is taken instead of failing obscurely', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    // Act
    const error = await startLocalSes({ port }).catch((caught: unknown) => caught);
    await new Promise((resolve) => blocker.close(resolve));

    // Assess
    expect(error).toBeInstanceOf(LocalSesError);
    expect(error).toMatchObject({ code: 'PORT_TAKEN' });
    expect(String((error as Error).message)).toContain(String(port));
  });
});

/**
 * The bot crashes (SIGKILL) while a tracked job runs and starts again on the same state: the job's
 * completion is still announced, exactly once, in the thread where it was asked for.
 */
import { cardShows, startStack, type Stack } from './support/stack';

const WAIT = 30_000;

describe('e2e: bot restarted mid-job', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('announces the completion once after a crash and restart', async () => {
    const { playground } = stack;
    const jobId = stack.addJob({
      entity: 'vm-restart',
      tasks: [
        { name: 'Take Snapshot', durationMs: 3000 },
        { name: 'Transfer data to vault', durationMs: 7000 },
      ],
      outcome: 'Completed',
    });
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, `track job ${jobId}`);
    await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-restart'), WAIT, since);

    await stack.restartBot();
    expect(stack.sim.server.truth(jobId)?.status).toBe('InProgress');

    const notice = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.conversationId === sent.replyConversationId && m.mentions.length > 0,
      WAIT,
      since,
    );
    expect(notice.text).toMatch(/vm-restart.*completed/i);

    // Barrier instead of a sleep: another job, tracked after the notice, announced in its turn.
    const barrier = stack.addJob({
      entity: 'vm-restart-barrier',
      tasks: [{ name: 'Take Snapshot', durationMs: 2000 }],
      outcome: 'Completed',
    });
    await playground.send(playground.generalChannelId, `track job ${barrier}`);
    await playground.waitForMessage((m) => m.mentions.length > 0 && /vm-restart-barrier/.test(m.text), WAIT, notice.seq);

    const notices = playground
      .botMessages(since)
      .filter((m) => m.action === 'createMessage' && m.mentions.length > 0 && /vm-restart\b(?!-)/.test(m.text));
    expect(notices).toHaveLength(1);
  }, 60_000);
});

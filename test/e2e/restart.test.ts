/**
 * The bot crashes (SIGKILL) while a tracked job runs and starts again on the same state: the job's
 * completion is still announced, exactly once, in the thread where it was asked for. The job is
 * held running until the restarted bot has polled it, so the order of events is fixed.
 */
import { cardShows } from './support/stack';
import { useStack } from './support/use-stack';

const WAIT = 30_000;

describe('e2e: bot restarted mid-job', () => {
  const stack = useStack();

  it('announces the completion once after a crash and restart', async () => {
    const { playground } = stack();
    const jobId = stack().addJob({
      entity: 'vm-restart',
      tasks: [
        { name: 'Take Snapshot', durationMs: 1000 },
        { name: 'Transfer data to vault', durationMs: 1000 },
      ],
      outcome: 'Completed',
    });
    const since = playground.mark();
    const sent = await playground.send(playground.generalChannelId, `track job ${jobId}`);
    await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-restart'), WAIT, since);

    await stack().restartBot();
    expect(stack().sim.server.truth(jobId)?.status).toBe('InProgress');
    // The new process resumed tracking from the state file: it reads the job without being asked.
    const polled = stack().sim.server.reads.next((r) => r.jobId === jobId.toLowerCase() || r.kind === 'listJobs');
    await polled;
    expect(playground.botMessages(since).filter((m) => m.mentions.length > 0)).toEqual([]);
    stack().release(jobId);

    const notice = await playground.waitForMessage(
      (m) => m.action === 'createMessage' && m.conversationId === sent.replyConversationId && m.mentions.length > 0,
      WAIT,
      since,
    );
    expect(notice.text).toMatch(/vm-restart.*completed/i);

    // Barrier instead of a sleep: another job, tracked after the notice, announced in its turn.
    const barrier = stack().addJob({
      entity: 'vm-restart-barrier',
      tasks: [{ name: 'Take Snapshot', durationMs: 1000 }],
      outcome: 'Completed',
    });
    await playground.send(playground.generalChannelId, `track job ${barrier}`);
    await playground.waitForMessage((m) => m.action === 'createMessage' && cardShows(m, 'vm-restart-barrier'), WAIT, notice.seq);
    stack().release(barrier);
    await playground.waitForMessage((m) => m.mentions.length > 0 && /vm-restart-barrier/.test(m.text), WAIT, notice.seq);

    const notices = playground
      .botMessages(since)
      .filter((m) => m.action === 'createMessage' && m.mentions.length > 0 && /vm-restart\b(?!-)/.test(m.text));
    expect(notices).toHaveLength(1);
  }, 60_000);
});

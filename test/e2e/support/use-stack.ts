/**
 * The stack an e2e file shares: started once before its tests, stopped after them (also when the
 * start failed half-way, through stop's own order). Call at the top of a describe block.
 */
import { startStack, type Stack, type StackOptions } from './stack';

/** Returns the started stack; calling it before beforeAll ran is a test bug and throws. */
export function useStack(options: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('e2e stack not started (useStack is read inside a test)');
    return stack;
  };
}

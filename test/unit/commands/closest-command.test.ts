import { t } from '../../../src/cards';
import { editDistance } from '../../../src/commands/closest';
import { closestCommand } from '../../../src/commands/registry';

describe('closestCommand', () => {
  test.each([
    ['trak job 3f2c9a4e-0000-4000-8000-000000000000', 'track job'],
    ['track jbo 123', 'track job'],
    ['track opration 42', 'track operation'],
    ['untrak 42', 'untrack'],
    ['stop traking 42', 'stop tracking'],
    ['trackin', 'tracking'],
    ['lst', 'list'],
    ['jbos failed', 'jobs'],
    ['hlep', 'help'],
    ['HELP me', 'help'],
    ['', 'track job'],
  ])('"%s" → %s', (text, command) => expect(closestCommand(text)).toBe(command));

  test('edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  test('the reply names the suggestion', () => {
    const text = 'trak job 42';
    expect(t('en', 'unknown.command', { text, command: closestCommand(text) })).toBe(
      'I did not understand "trak job 42". Did you mean `track job`? Write `help` to see everything I can do.',
    );
  });
});

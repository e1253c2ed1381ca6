import { Template } from 'adaptivecards-templating';
import { buildJobCard, CardTemplateError, expandTemplate, parseCardAction } from '../../../src/cards';
import { allTypeJobs, ctx } from './fixtures';

describe('parseCardAction', () => {
  const card = buildJobCard(allTypeJobs()[0].job, ctx());
  const submitted = (card.actions ?? [])
    .filter((a) => (a as { type: string }).type === 'Action.Submit')
    .map((a) => (a as { data: unknown }).data);

  test('reads back exactly what the card buttons send', () => {
    expect(submitted).toHaveLength(2);
    for (const data of submitted) expect(parseCardAction(data)).toEqual(data);
  });

  test.each([
    ['not an object', 'refresh'],
    ['unknown action', { ...(submitted[0] as object), action: 'delete' }],
    ['job key and job id disagree', { ...(submitted[0] as object), jobId: '11111111-1111-4111-8111-111111111111' }],
    ['path traversal in the key', { ...(submitted[0] as object), jobKey: '../../x' }],
    [
      'missing vault',
      { action: 'refresh', jobKey: (submitted[0] as { jobKey: string }).jobKey, jobId: (submitted[0] as { jobId: string }).jobId },
    ],
    ['an empty job key', { ...(submitted[0] as object), jobKey: '' }],
    ['a job id that is not a string', { ...(submitted[0] as object), jobId: 42 }],
    ['an overlong vault', { ...(submitted[0] as object), vault: 'v'.repeat(151) }],
    ['array', []],
    ['null', null],
  ])('rejects %s', (_why, value) => expect(parseCardAction(value)).toBeUndefined());
});

test('a builder that forgets a field fails loudly instead of showing ${…} to users', () => {
  const template = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Hello ${name}' }] };
  expect(() => expandTemplate('test', template, {})).toThrow(CardTemplateError);
  expect(expandTemplate('test', template, { name: 'Ada ${x}' }).body).toEqual([{ type: 'TextBlock', text: 'Hello Ada ${x}' }]);
});

describe('a template is parsed once and reused', () => {
  // A function call keeps this template on the engine's path (compiled-template.ts takes plain bindings only).
  const template = {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ $data: '${rows}', type: 'TextBlock', text: 'Row ${name}' }],
    actions: [{ type: 'Action.Submit', title: 'Go', data: { id: '${string(id)}' } }],
  };

  test('only the first expansion parses it; later ones bind new data to the parsed form', () => {
    const prepare = jest.spyOn(Template, 'parseInterpolatedString');
    try {
      expandTemplate('rows', template, { rows: [{ name: 'a' }], id: '1' });
      const firstParse = prepare.mock.calls.length;
      expect(firstParse).toBeGreaterThan(0);
      const second = expandTemplate('rows', template, { rows: [{ name: 'b' }, { name: 'c' }], id: '2' });
      expect(prepare.mock.calls.length).toBe(firstParse);
      expect(second.body).toEqual([
        { type: 'TextBlock', text: 'Row b' },
        { type: 'TextBlock', text: 'Row c' },
      ]);
    } finally {
      prepare.mockRestore();
    }
  });

  test('cards from the same template share nothing: changing one leaves the next intact', () => {
    const first = expandTemplate('rows', template, { rows: [{ name: 'x' }], id: '1' });
    (first.actions![0] as { data: { id: string } }).data.id = 'tampered';
    (first.body as unknown[]).length = 0;
    const next = expandTemplate('rows', template, { rows: [{ name: 'y' }], id: '2' });
    expect(next.body).toEqual([{ type: 'TextBlock', text: 'Row y' }]);
    expect(next.actions).toEqual([{ type: 'Action.Submit', title: 'Go', data: { id: '2' } }]);
  });
});

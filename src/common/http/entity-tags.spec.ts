import { DomainError } from '../errors/domain-error.js';
import {
  evaluatePreconditions,
  parseEntityTagCondition,
  readPreconditions,
  strongEntityTag,
} from './entity-tags.js';

describe('parseEntityTagCondition', () => {
  it('reads *', () => {
    expect(parseEntityTagCondition('if-match', ' * ')).toBe('*');
  });

  it('reads one strong tag and a list of strong and weak tags', () => {
    expect(parseEntityTagCondition('if-match', '"7"')).toEqual([{ weak: false, opaque: '"7"' }]);
    expect(parseEntityTagCondition('if-none-match', '"1", W/"2",  "x-y"')).toEqual([
      { weak: false, opaque: '"1"' },
      { weak: true, opaque: '"2"' },
      { weak: false, opaque: '"x-y"' },
    ]);
  });

  it('skips empty list elements, as RFC 9110 asks', () => {
    expect(parseEntityTagCondition('if-match', '"1",, "2"')).toHaveLength(2);
  });

  it.each([
    ['an unquoted tag', '7'],
    ['an unterminated tag', '"7'],
    ['a tag with a space', '"a b"'],
    ['* in a list', '"1", *'],
    ['text after a tag', '"1" x'],
    ['a lowercase weak prefix', 'w/"1"'],
    ['nothing', ''],
  ])('refuses %s with 400 naming the header', (_description, value) => {
    let refusal: unknown;
    try {
      parseEntityTagCondition('if-match', value);
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).status).toBe(400);
    expect((refusal as DomainError).details?.fields?.[0]).toMatchObject({
      field: 'If-Match',
      constraint: 'format',
    });
  });
});

describe('readPreconditions', () => {
  it('reads both headers and leaves absent ones undefined', () => {
    expect(readPreconditions({})).toEqual({ ifMatch: undefined, ifNoneMatch: undefined });
    expect(readPreconditions({ 'if-none-match': '"3"' }).ifNoneMatch).toEqual([
      { weak: false, opaque: '"3"' },
    ]);
  });
});

describe('evaluatePreconditions', () => {
  const current = strongEntityTag(7);
  const tags = (value: string) => parseEntityTagCondition('if-match', value);

  it('proceeds without preconditions', () => {
    expect(evaluatePreconditions({}, current, false)).toBe('proceed');
  });

  it('compares If-Match strongly: the same tag proceeds, another or a weak one fails', () => {
    expect(evaluatePreconditions({ ifMatch: tags('"7"') }, current, false)).toBe('proceed');
    expect(evaluatePreconditions({ ifMatch: tags('"6", "7"') }, current, false)).toBe('proceed');
    expect(evaluatePreconditions({ ifMatch: tags('"6"') }, current, false)).toBe('failed');
    expect(evaluatePreconditions({ ifMatch: tags('W/"7"') }, current, false)).toBe('failed');
  });

  it('lets If-Match: * match any current representation', () => {
    expect(evaluatePreconditions({ ifMatch: '*' }, current, false)).toBe('proceed');
  });

  it('answers a matching If-None-Match with not modified on reads and failed on writes', () => {
    expect(evaluatePreconditions({ ifNoneMatch: tags('W/"7"') }, current, true)).toBe(
      'not_modified',
    );
    expect(evaluatePreconditions({ ifNoneMatch: '*' }, current, true)).toBe('not_modified');
    expect(evaluatePreconditions({ ifNoneMatch: tags('"7"') }, current, false)).toBe('failed');
    expect(evaluatePreconditions({ ifNoneMatch: tags('"6"') }, current, true)).toBe('proceed');
  });

  it('evaluates If-Match before If-None-Match', () => {
    const both = { ifMatch: tags('"6"'), ifNoneMatch: tags('"7"') };

    expect(evaluatePreconditions(both, current, true)).toBe('failed');
  });
});

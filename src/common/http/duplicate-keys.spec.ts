import { findDuplicateKey } from './duplicate-keys.js';

describe('findDuplicateKey', () => {
  it.each([
    ['{}'],
    ['[]'],
    ['"text"'],
    ['{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}'],
    ['{"a":"\\"a\\":1,\\"a\\":2"}'],
    ['{"a":["a","a"],"b":"a"}'],
    ['{ "name" : "x" , "settings" : { "name" : true } }'],
  ])('finds none in %s', (text) => {
    expect(findDuplicateKey(text)).toBeUndefined();
  });

  it.each([
    ['{"name":"A","name":"B"}', 'name'],
    ['{"settings":{"mfa_required":true,"mfa_required":false}}', 'settings.mfa_required'],
    ['{ "a" : 1 ,\n "a" : 2 }', 'a'],
    ['{"a":1,"\\u0061":2}', 'a'],
    ['{"x":[{"k":1,"k":2}]}', 'x.k'],
    ['{"a":{"b":1},"c":{"d":{"e":1,"e":2}}}', 'c.d.e'],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
  ])('finds the key written twice in %s', (text, path) => {
    expect(findDuplicateKey(text)).toBe(path);
  });
});

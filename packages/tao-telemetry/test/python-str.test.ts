import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  compareCodePoints,
  PyStrLimitError,
  pyFloatRepr,
  pyHasAlpha,
  pyHasDigit,
  pyRepr,
  pyStr,
  pyTruthy,
  reprString,
} from '../src/python-str.js';

const golden = JSON.parse(readFileSync(new URL('./fixtures/python-golden.json', import.meta.url), 'utf8')) as {
  str: Array<[unknown, string]>;
};

describe('pyStr (Python str() of JSON values)', () => {
  test('the port pitfalls of spec D.3', () => {
    assert.equal(pyStr(null), 'None');
    assert.equal(pyStr(true), 'True');
    assert.equal(pyStr(false), 'False');
    assert.equal(pyStr(1e16), '1e+16');
    assert.equal(pyStr(5.3), '5.3');
    assert.equal(pyStr(123), '123');
    assert.equal(pyStr('ResNet-50'), 'ResNet-50');
  });

  test('undefined renders like JSON null', () => {
    assert.equal(pyStr(undefined), 'None');
    assert.equal(pyStr([undefined, 1]), '[None, 1]');
  });

  test('floats use repr: shortest digits, exponent below 1e-4 and from 1e16', () => {
    assert.equal(pyFloatRepr(0.1), '0.1');
    assert.equal(pyFloatRepr(0.0001), '0.0001');
    assert.equal(pyFloatRepr(0.00001), '1e-05');
    assert.equal(pyFloatRepr(1.5e-7), '1.5e-07');
    assert.equal(pyFloatRepr(1e15), '1000000000000000.0');
    assert.equal(pyFloatRepr(1e16), '1e+16');
    assert.equal(pyFloatRepr(1.2345678901234568e17), '1.2345678901234568e+17');
    assert.equal(pyFloatRepr(1e22), '1e+22');
    assert.equal(pyFloatRepr(1e100), '1e+100');
    assert.equal(pyFloatRepr(-2.5), '-2.5');
    assert.equal(pyFloatRepr(123456789.123), '123456789.123');
    assert.equal(pyFloatRepr(0.1 + 0.2), '0.30000000000000004');
    assert.equal(pyFloatRepr(5), '5.0');
    assert.equal(pyFloatRepr(-0), '-0.0');
    assert.equal(pyFloatRepr(Number.NaN), 'nan');
    assert.equal(pyFloatRepr(Number.POSITIVE_INFINITY), 'inf');
    assert.equal(pyFloatRepr(Number.NEGATIVE_INFINITY), '-inf');
  });

  test('safe integers are ints, larger integral values are floats (JSON 1e16), bigints are ints', () => {
    assert.equal(pyStr(-0), '0');
    assert.equal(pyStr(9007199254740991), '9007199254740991');
    assert.equal(pyStr(9007199254740992), '9007199254740992.0');
    assert.equal(pyStr(12345678901234567890n), '12345678901234567890');
  });

  test('lists and dicts render as Python reprs', () => {
    assert.equal(pyStr(['a', 1, null, true, 1.5]), "['a', 1, None, True, 1.5]");
    assert.equal(pyStr({ k: 'v', n: [1, null] }), "{'k': 'v', 'n': [1, None]}");
    assert.equal(pyStr([]), '[]');
    assert.equal(pyStr({}), '{}');
    assert.equal(pyStr([[['deep']]]), "[[['deep']]]");
  });

  test('string repr: quote choice and CPython escapes', () => {
    assert.equal(reprString("it's"), `"it's"`);
    assert.equal(reprString('say "hi"'), `'say "hi"'`);
    assert.equal(reprString(`both ' and "`), `'both \\' and "'`);
    assert.equal(reprString('a\\b'), "'a\\\\b'");
    assert.equal(reprString('\t\n\r'), "'\\t\\n\\r'");
    assert.equal(reprString('\x07\x7f'), "'\\x07\\x7f'");
    assert.equal(reprString('\u00a0'), "'\\xa0'");
    assert.equal(reprString('\u200b'), "'\\u200b'");
    assert.equal(reprString('\u{e0001}'), "'\\U000e0001'");
    assert.equal(reprString('\ud800'), "'\\ud800'");
    assert.equal(reprString('é模🚀'), "'é模🚀'");
  });

  test('cycles print [...] / {...} as Python does; depth and length are bounded', () => {
    const list: unknown[] = [1];
    list.push(list);
    assert.equal(pyRepr(list), '[1, [...]]');
    const obj: Record<string, unknown> = {};
    obj['self'] = obj;
    assert.equal(pyRepr(obj), "{'self': {...}}");
    let deep: unknown = 'x';
    for (let i = 0; i < 1200; i++) deep = [deep];
    assert.throws(
      () => pyStr(deep),
      (e: unknown) => e instanceof PyStrLimitError && /nested deeper than 1000/.test(e.message),
    );
    assert.throws(
      () => pyStr(['abc', 'def'], 8),
      (e: unknown) => e instanceof PyStrLimitError && /longer than 8/.test(e.message),
    );
    assert.equal(pyStr(['abc'], 7), "['abc']");
  });

  test(`matches Python str() for the ${golden.str.length} fixture values`, () => {
    const mismatches = golden.str.filter(([v, s]) => pyStr(v) !== s);
    assert.deepEqual(mismatches, []);
  });
});

describe('pyTruthy', () => {
  test('Python truthiness, where JS differs for NaN, [] and {}', () => {
    assert.deepEqual([null, undefined, false, 0, '', [], {}].map(pyTruthy), [false, false, false, false, false, false, false]);
    assert.deepEqual([true, 1, -1, Number.NaN, 'false', '0', [0], { a: 1 }, 0.5, 1n].map(pyTruthy), [
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    assert.equal(pyTruthy(0n), false);
  });
});

describe('Unicode predicates and ordering', () => {
  test('isdigit counts superscripts and circled digits; isalpha is \\p{L}', () => {
    assert.equal(pyHasDigit('T²'), true);
    assert.equal(pyHasDigit('①'), true);
    assert.equal(pyHasDigit('٣'), true);
    assert.equal(pyHasDigit('Ⅻ'), false);
    assert.equal(pyHasDigit('TX'), false);
    assert.equal(pyHasAlpha('ß'), true);
    assert.equal(pyHasAlpha('²'), false);
    assert.equal(pyHasAlpha('模'), true);
  });

  test('compareCodePoints orders astral characters after U+FFFF (JS < does not)', () => {
    assert.equal('\uffff' < '𐀀', false);
    assert.equal(compareCodePoints('\uffff', '𐀀'), -1);
    assert.equal(compareCodePoints('𐀀', '\uffff'), 1);
    assert.equal(compareCodePoints('abc', 'abd'), -1);
    assert.equal(compareCodePoints('ab', 'abc'), -1);
    assert.equal(compareCodePoints('tao_x', 'tao_x'), 0);
  });
});

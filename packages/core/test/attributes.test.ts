import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Attribute, Attributes, type AttributeValue } from '../src/core/attributes.js';
import { OneLoggerError } from '../src/core/errors.js';

/** Bypasses the static type so runtime validation can be exercised. */
const untyped = (v: unknown): AttributeValue => v as AttributeValue;

describe('Attribute', () => {
  test('holds string, boolean, integer, float and list values as given (#34)', () => {
    assert.equal(new Attribute('s', 'hello').value, 'hello');
    assert.equal(new Attribute('b', true).value, true);
    assert.equal(new Attribute('i', 42).value, 42);
    assert.equal(new Attribute('f', 3.14).value, 3.14);
    assert.deepEqual(new Attribute('l', [1, 2, 3]).value, [1, 2, 3]);
    assert.deepEqual(new Attribute('e', []).value, []);
    assert.equal(new Attribute('s', 'hello').name, 's');
  });

  test('a mixed list is rejected (#35)', () => {
    assert.throws(
      () => new Attribute('invalid_list', untyped([1, 'two', 3])),
      (err: unknown) => {
        assert.ok(err instanceof OneLoggerError);
        assert.match(err.message, /^All elements of a list attribute must be of primitive type/);
        assert.match(err.message, /invalid_list/);
        return true;
      },
    );
  });
});

describe('Attributes', () => {
  test('construction from a plain object exposes the values (#36)', () => {
    const attrs = new Attributes({ foo: 42, bar: 'baz' });
    assert.equal(attrs.get('foo')?.value, 42);
    assert.equal(attrs.get('bar')?.value, 'baz');
    assert.equal(attrs.getValue('foo'), 42);
    assert.equal(attrs.size, 2);
    assert.deepEqual(
      [...attrs],
      [
        ['foo', 42],
        ['bar', 'baz'],
      ],
    );
  });

  test('addAttribute stores the attribute and returns it (#37)', () => {
    const attrs = new Attributes();
    const attr = new Attribute('x', 7);
    assert.equal(attrs.addAttribute(attr), attr);
    assert.equal(attrs.getValue('x'), 7);
  });

  test('add returns the collection itself and stores the value (#38)', () => {
    const attrs = new Attributes();
    assert.equal(attrs.add('name', 'value'), attrs);
    assert.equal(attrs.getValue('name'), 'value');
    assert.equal(attrs.add('a', 1).add('b', 2).size, 3);
  });

  test('toJSON returns primitive values unchanged and fromJSON round-trips (#39)', () => {
    const attrs = new Attributes({ str: 'text', int: 42, float: 3.14, bool: false });
    const json = attrs.toJSON();
    assert.deepEqual(json, { str: 'text', int: 42, float: 3.14, bool: false });
    assert.deepEqual(Object.keys(json), ['str', 'int', 'float', 'bool']);
    assert.equal(Attributes.fromJSON(json).equals(attrs), true);
    assert.equal(Attributes.fromJSON(null).size, 0);
    assert.equal(Attributes.fromJSON(undefined).size, 0);
  });

  test('a list value round-trips through JSON (#40)', () => {
    const attrs = new Attributes({ list: [1, 2, 3] });
    assert.deepEqual(attrs.toJSON(), { list: [1, 2, 3] });
    const back = Attributes.fromJSON(JSON.parse(JSON.stringify(attrs)));
    assert.equal(back.equals(attrs), true);
    assert.deepEqual(back.getValue('list'), [1, 2, 3]);
  });

  test('merge of disjoint collections contains all attributes in order (#41)', () => {
    const merged = Attributes.merge(new Attributes({ a: 1, b: 'two' }), new Attributes({ c: true, d: 4.5 }));
    assert.deepEqual(merged.toJSON(), { a: 1, b: 'two', c: true, d: 4.5 });
    assert.deepEqual(Object.keys(merged.toJSON()), ['a', 'b', 'c', 'd']);
  });

  test('merge takes the second value on duplicates and keeps the first position (#42)', () => {
    const a = new Attributes({ x: 1, y: 2 });
    const b = new Attributes({ x: 10, z: 3 });
    const merged = Attributes.merge(a, b);
    assert.deepEqual(merged.toJSON(), { x: 10, y: 2, z: 3 });
    assert.deepEqual(Object.keys(merged.toJSON()), ['x', 'y', 'z']);
    // Inputs are untouched.
    assert.deepEqual(a.toJSON(), { x: 1, y: 2 });
    assert.deepEqual(b.toJSON(), { x: 10, z: 3 });
  });

  test('getBoolValue (#43)', () => {
    const attrs = new Attributes({ bool_attr: true, str_attr: 'yes' });
    assert.equal(attrs.getBoolValue('bool_attr'), true);
    assert.equal(attrs.getBoolValue('missing'), undefined);
    assert.throws(() => attrs.getBoolValue('str_attr'), {
      name: 'OneLoggerError',
      message: 'Attribute str_attr must be a boolean. Got "yes".',
    });
  });

  test('getIntValue (#44)', () => {
    const attrs = new Attributes({ int_attr: 42, str_attr: 'x', float_attr: 3.5, bool_attr: true });
    assert.equal(attrs.getIntValue('int_attr'), 42);
    assert.equal(attrs.getIntValue('missing'), undefined);
    assert.throws(() => attrs.getIntValue('str_attr'), {
      name: 'OneLoggerError',
      message: 'Attribute str_attr must be an integer. Got "x".',
    });
    assert.throws(() => attrs.getIntValue('float_attr'), { message: 'Attribute float_attr must be an integer. Got 3.5.' });
    // U12: a boolean is not an integer here (Python's bool is a subclass of int).
    assert.throws(() => attrs.getIntValue('bool_attr'), { message: 'Attribute bool_attr must be an integer. Got true.' });
  });

  test('getFloatValue (#45)', () => {
    const attrs = new Attributes({ float_attr: 3.14, int_attr: 5, str_attr: 'x', bool_attr: false });
    assert.equal(attrs.getFloatValue('float_attr'), 3.14);
    assert.equal(attrs.getFloatValue('int_attr'), 5);
    assert.equal(attrs.getFloatValue('missing'), undefined);
    assert.throws(() => attrs.getFloatValue('str_attr'), {
      name: 'OneLoggerError',
      message: 'Attribute str_attr must be a float. Got "x".',
    });
    assert.throws(() => attrs.getFloatValue('bool_attr'), { message: 'Attribute bool_attr must be a float. Got false.' });
  });

  test('getStrValue (#46)', () => {
    const attrs = new Attributes({ str_attr: 'hello', int_attr: 1 });
    assert.equal(attrs.getStrValue('str_attr'), 'hello');
    assert.equal(attrs.getStrValue('missing'), undefined);
    assert.throws(() => attrs.getStrValue('int_attr'), { name: 'OneLoggerError', message: 'Attribute int_attr must be a string. Got 1.' });
  });

  test('addAll of an empty collection adds nothing (#47)', () => {
    const attrs = new Attributes();
    attrs.addAll(new Attributes());
    assert.equal(attrs.size, 0);
  });

  test('addAll of one attribute adds it (#48)', () => {
    const attrs = new Attributes();
    attrs.addAll(new Attributes({ one: 1 }));
    assert.equal(attrs.size, 1);
    assert.equal(attrs.getValue('one'), 1);
  });

  test('addAll of five attributes onto one existing gives six (#49)', () => {
    const attrs = new Attributes({ existing: 'e' });
    attrs.addAll(new Attributes({ a1: 1, a2: 2, a3: 3, a4: 4, a5: 5 }));
    assert.equal(attrs.size, 6);
    assert.deepEqual(attrs.toJSON(), { existing: 'e', a1: 1, a2: 2, a3: 3, a4: 4, a5: 5 });
  });

  test('addAll overwrites an existing name (#50)', () => {
    const attrs = new Attributes({ name: 'old' });
    attrs.addAll(new Attributes({ name: 'new' }));
    assert.equal(attrs.size, 1);
    assert.equal(attrs.getValue('name'), 'new');
  });

  test('mixed primitive and list types keep their runtime types (#51)', () => {
    const attrs = new Attributes();
    attrs.addAll(new Attributes({ s: 'str', i: 1, f: 1.5, b: true, ls: ['a', 'b'], li: [1, 2], lb: [true, false] }));
    assert.equal(typeof attrs.getValue('s'), 'string');
    assert.equal(typeof attrs.getValue('i'), 'number');
    assert.equal(typeof attrs.getValue('f'), 'number');
    assert.equal(typeof attrs.getValue('b'), 'boolean');
    assert.deepEqual(attrs.getValue('ls'), ['a', 'b']);
    assert.deepEqual(attrs.getValue('li'), [1, 2]);
    assert.deepEqual(attrs.getValue('lb'), [true, false]);
  });

  test('equals ignores order but not values', () => {
    assert.equal(new Attributes({ a: 1, b: [1, 2] }).equals(new Attributes({ b: [1, 2], a: 1 })), true);
    assert.equal(new Attributes({ a: 1, b: [1, 2] }).equals(new Attributes({ a: 1, b: [2, 1] })), false);
    assert.equal(new Attributes({ a: 1 }).equals(new Attributes({ a: 1, c: 2 })), false);
  });

  test('U12: every non-primitive value is rejected at creation with a message naming the attribute', () => {
    const bad: Array<[string, unknown, RegExp]> = [
      ['null_attr', null, /Attribute null_attr: value must be .*\(got null\)/],
      ['undef_attr', undefined, /Attribute undef_attr: value must be .*\(got undefined\)/],
      ['obj_attr', { a: 1 }, /Attribute obj_attr: value must be .*\(got object\)/],
      ['date_attr', new Date(0), /Attribute date_attr: value must be .*\(got Date instance\)/],
      ['fn_attr', () => 1, /Attribute fn_attr: value must be .*\(got function/],
      ['big_attr', 10n, /Attribute big_attr: value must be .*\(got 10n\)/],
      ['nan_attr', Number.NaN, /Attribute nan_attr: numbers must be finite \(got NaN\)/],
      ['inf_attr', Number.POSITIVE_INFINITY, /Attribute inf_attr: numbers must be finite \(got Infinity\)/],
      ['nested_attr', [[1], [2]], /primitive type: attribute nested_attr has array of length 1 at index 0/],
      ['mixed_attr', [true, 1], /share one type: attribute mixed_attr has a number at index 1 after boolean values/],
      ['mixed2_attr', [1, true], /share one type: attribute mixed2_attr has a boolean at index 1 after number values/],
      ['nanlist_attr', [1, Number.NaN], /Attribute nanlist_attr: numbers must be finite \(got NaN at index 1\)/],
      ['objlist_attr', [{}], /primitive type: attribute objlist_attr has object at index 0/],
    ];
    for (const [name, value, pattern] of bad) {
      for (const make of [() => new Attribute(name, untyped(value)), () => new Attributes().add(name, untyped(value))]) {
        assert.throws(make, (err: unknown) => {
          assert.ok(err instanceof OneLoggerError, `${name}: expected OneLoggerError`);
          assert.match(err.message, pattern);
          return true;
        });
      }
    }
    // The plain-object constructor validates too, and an empty name is rejected.
    assert.throws(() => new Attributes({ ok: 1, bad: untyped(null) }), { message: /Attribute bad: value must be/ });
    assert.throws(() => new Attribute('', 1), { name: 'OneLoggerError', message: 'Attribute name must be a non-empty string (got "")' });
  });

  test('B7: values and collections are copied, never aliased', () => {
    const list = [1, 2, 3];
    const source = new Attributes({ list });
    const copy = new Attributes(source);
    list.push(4);
    source.add('later', true);
    assert.deepEqual(source.getValue('list'), [1, 2, 3]);
    assert.equal(copy.has('later'), false);
    assert.equal(copy.size, 1);
    // Stored arrays are frozen copies, so a reader cannot change a collection through them either.
    assert.equal(Object.isFrozen(copy.getValue('list')), true);
    const attr = new Attribute('l', list);
    list.push(5);
    assert.deepEqual(attr.value, [1, 2, 3, 4]);
  });
});

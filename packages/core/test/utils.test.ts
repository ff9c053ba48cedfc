import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { OneLoggerError } from '../src/core/errors.js';
import { evaluateValue, patchFunction, patchMethod, temporarilyModifyEnv } from '../src/internal/utils.js';

const VAR = 'NV_ONE_LOGGER_UTILS_TEST_VAR';

afterEach(() => {
  delete process.env[VAR];
});

describe('temporarilyModifyEnv', () => {
  test('sets a new variable and removes it afterwards (#141)', () => {
    assert.equal(process.env[VAR], undefined);
    const seen = temporarilyModifyEnv(VAR, 'new_value', () => process.env[VAR]);
    assert.equal(seen, 'new_value');
    assert.equal(VAR in process.env, false);
  });

  test('removes an existing variable and restores it afterwards (#142)', () => {
    process.env[VAR] = 'original';
    const seen = temporarilyModifyEnv(VAR, undefined, () => VAR in process.env);
    assert.equal(seen, false);
    assert.equal(process.env[VAR], 'original');
  });

  test('overrides an existing variable and restores the original (#143)', () => {
    process.env[VAR] = 'original';
    const seen = temporarilyModifyEnv(VAR, 'override', () => process.env[VAR]);
    assert.equal(seen, 'override');
    assert.equal(process.env[VAR], 'original');
  });

  test('restores when the function throws', () => {
    process.env[VAR] = 'original';
    assert.throws(
      () =>
        temporarilyModifyEnv(VAR, 'override', () => {
          throw new Error('inner failure');
        }),
      { message: 'inner failure' },
    );
    assert.equal(process.env[VAR], 'original');
  });

  test('with an async function the variable stays set until the promise settles', async () => {
    const pending = temporarilyModifyEnv(VAR, 'async_value', async () => {
      await sleep(5);
      return process.env[VAR];
    });
    assert.equal(process.env[VAR], 'async_value');
    assert.equal(await pending, 'async_value');
    assert.equal(VAR in process.env, false);
  });

  test('with an async function that rejects the variable is restored and the rejection propagates', async () => {
    process.env[VAR] = 'original';
    await assert.rejects(
      temporarilyModifyEnv(VAR, undefined, async () => {
        await sleep(1);
        throw new RangeError('async failure');
      }),
      { name: 'RangeError', message: 'async failure' },
    );
    assert.equal(process.env[VAR], 'original');
  });
});

describe('evaluateValue', () => {
  test('returns a plain value unchanged (#144)', () => {
    assert.equal(evaluateValue(42), 42);
    assert.equal(evaluateValue('tag'), 'tag');
  });

  test('calls a function and returns its result (#145)', () => {
    let calls = 0;
    const fn = () => {
      calls++;
      return 'dynamic_task';
    };
    assert.equal(evaluateValue(fn), 'dynamic_task');
    assert.equal(calls, 1);
  });

  test('undefined and null pass through (#146)', () => {
    assert.equal(evaluateValue(undefined), undefined);
    assert.equal(evaluateValue(null), null);
  });

  test('a function returning undefined yields undefined (#147)', () => {
    assert.equal(
      evaluateValue(() => undefined),
      undefined,
    );
  });
});

describe('patchFunction', () => {
  /** Adds two numbers. */
  function add(a: number, b: number): number {
    return a + b;
  }

  test('the wrapper receives the original; the name is preserved (#148)', () => {
    const doubled = patchFunction(add, (original, a, b) => original(a, b) * 2);
    assert.equal(doubled(3, 5), 16);
    assert.equal(doubled.name, 'add');
    assert.equal(doubled.length, 2);
    // Python also copies the docstring; JS functions have none, and the original stays intact.
    assert.equal(add(3, 5), 8);
  });

  test('a logging wrapper sees the arguments and the result (#149)', () => {
    const log: string[] = [];
    const double = (x: number): number => x * 2;
    const logged = patchFunction(double, (original, ...args) => {
      log.push(`Calling with args: ${JSON.stringify(args)}`);
      const result = original(...args);
      log.push(`Result: ${result}`);
      return result;
    });
    assert.equal(logged(10), 20);
    assert.deepEqual(log, ['Calling with args: [10]', 'Result: 20']);
  });

  test('options objects (keyword arguments) reach the original (#150)', () => {
    const compute = (a: number, b: number, opts: { multiplier: number }) => (a + b) * opts.multiplier;
    const patched = patchFunction(compute, (original, a, b, opts) => original(a, b, opts) + 100);
    assert.equal(patched(3, 5, { multiplier: 2 }), 116);
  });

  test('the wrapper can catch the original error and return something else (#151)', () => {
    const failing = (x: number): number => {
      throw new RangeError(`bad input ${x}`);
    };
    const safe = patchFunction(failing, (original, x): number | string => {
      try {
        return original(x);
      } catch (err) {
        return `Error caught: ${(err as Error).message}`;
      }
    });
    assert.equal(safe(7), 'Error caught: bad input 7');
  });
});

describe('patchMethod', () => {
  class Calculator {
    constructor(readonly base: number) {}
    /** Adds to the base. */
    add(x: number): number {
      return this.base + x;
    }
    divide(a: number, b: number): number {
      if (b === 0) throw new RangeError('division by zero');
      return a / b;
    }
    compute(a: number, opts: { offset: number }): number {
      return (a + opts.offset) * 2;
    }
  }

  class Greeter {
    constructor(readonly name: string) {}
    greet(greeting: string): string {
      return `${greeting}, ${this.name}`;
    }
  }

  test('the wrapper receives the original bound to the receiver; name preserved; unpatch restores (#152)', () => {
    const calc = new Calculator(10);
    const unpatch = patchMethod(calc, 'add', (original, _self, x) => original(x) * 2);
    assert.equal(calc.add(5), 30);
    assert.equal(calc.add.name, 'add');
    assert.equal(Object.hasOwn(calc, 'add'), true);
    unpatch();
    assert.equal(calc.add(5), 15);
    assert.equal(Object.hasOwn(calc, 'add'), false);
    unpatch();
    assert.equal(calc.add(5), 15);
  });

  test('a logging wrapper sees self and the arguments (#153)', () => {
    const log: string[] = [];
    const unpatch = patchMethod(Greeter.prototype, 'greet', (original, self, greeting) => {
      log.push(`Calling greet on ${self.name} with args: ${JSON.stringify([greeting])}`);
      return original(greeting);
    });
    try {
      assert.equal(new Greeter('Alice').greet('Hello'), 'Hello, Alice');
      assert.deepEqual(log, ['Calling greet on Alice with args: ["Hello"]']);
    } finally {
      unpatch();
    }
    assert.equal(Object.hasOwn(Greeter.prototype, 'greet'), true);
    assert.equal(new Greeter('Bob').greet('Hi'), 'Hi, Bob');
    assert.equal(log.length, 1);
  });

  test('options objects reach the original method (#154)', () => {
    const calc = new Calculator(0);
    patchMethod(calc, 'compute', (original, _self, a, opts) => original(a, opts) + 100);
    assert.equal(calc.compute(3, { offset: 5 }), 116);
  });

  test('the wrapper can handle the original error; the normal path is untouched (#155)', () => {
    const calc = new Calculator(0);
    const messages: string[] = [];
    patchMethod(calc, 'divide', (original, _self, a, b) => {
      try {
        return original(a, b);
      } catch (err) {
        messages.push(`Error caught: ${(err as Error).message}`);
        return Number.NaN;
      }
    });
    assert.equal(calc.divide(10, 2), 5);
    assert.equal(Number.isNaN(calc.divide(1, 0)), true);
    assert.deepEqual(messages, ['Error caught: division by zero']);
  });

  test('patching the prototype works per instance (#156)', () => {
    const unpatch = patchMethod(Calculator.prototype, 'add', (original, _self, x) => original(x) + 100);
    try {
      assert.equal(new Calculator(5).add(5), 110);
      assert.equal(new Calculator(10).add(10), 120);
      // The replacement stays non-enumerable like a class method.
      assert.equal(Object.getOwnPropertyDescriptor(Calculator.prototype, 'add')?.enumerable, false);
    } finally {
      unpatch();
    }
    assert.equal(new Calculator(5).add(5), 10);
  });

  test('patching a non-function property is rejected', () => {
    const obj = { value: 3, run: () => 1 };
    assert.throws(
      () => patchMethod(obj as unknown as { value: () => number }, 'value', (original) => original()),
      (err: unknown) => err instanceof OneLoggerError && err.message === 'Cannot patch value: it is not a method (got number)',
    );
    assert.equal(obj.value, 3);
  });
});

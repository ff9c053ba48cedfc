import { OneLoggerError } from '../core/errors.js';

/** A value given directly or as a function computing it on demand (the reference's `x_or_fn`). */
export type ValueOrFn<T> = T | (() => T);

/** Calls `value` with no arguments when it is a function, else returns it unchanged. */
export function evaluateValue<T>(value: ValueOrFn<T>): T {
  return typeof value === 'function' ? (value as () => T)() : value;
}

/**
 * Runs `fn` with the environment variable `name` set to `value` (or removed when `value` is undefined) and
 * restores the previous state afterwards, also when `fn` throws. When `fn` returns a promise the variable is
 * restored once it settles. `process.env` is process-global: overlapping async calls see each other's changes.
 */
export function temporarilyModifyEnv<R>(name: string, value: string | undefined, fn: () => Promise<R>): Promise<R>;
export function temporarilyModifyEnv<R>(name: string, value: string | undefined, fn: () => R): R;
export function temporarilyModifyEnv<R>(name: string, value: string | undefined, fn: () => R): R | Promise<unknown> {
  const original = process.env[name];
  const restore = (): void => {
    if (original === undefined) delete process.env[name];
    else process.env[name] = original;
  };
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  let result: R;
  try {
    result = fn();
  } catch (err) {
    restore();
    throw err;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (v) => {
        restore();
        return v;
      },
      (err: unknown) => {
        restore();
        throw err;
      },
    );
  }
  restore();
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Returns a function that calls `wrapper(original, ...args)`. The result carries `original`'s `name` and
 * `length`, so stack traces and logs still show the original name.
 */
export function patchFunction<A extends unknown[], R, W = R>(
  original: (...args: A) => R,
  wrapper: (original: (...args: A) => R, ...args: A) => W,
): (...args: A) => W {
  const patched = (...args: A): W => wrapper(original, ...args);
  copyIdentity(patched, original);
  return patched;
}

type AnyMethod = (...args: never[]) => unknown;
/** Keys of `T` whose values are functions. */
export type MethodKeys<T> = { [K in keyof T]-?: T[K] extends AnyMethod ? K : never }[keyof T];
type MethodOf<T, K extends keyof T> = Extract<T[K], AnyMethod>;

/**
 * Replaces `obj[methodName]` with a method that calls `wrapper(original, self, ...args)`, where `original` is
 * the previous method bound to the receiver `self` (so patching a prototype works for every instance).
 * The replacement keeps the original's `name`. Returns `unpatch()`, which restores the previous property
 * (own property or none) and is a no-op when called again.
 */
export function patchMethod<T extends object, K extends MethodKeys<T>>(
  obj: T,
  methodName: K,
  wrapper: (original: MethodOf<T, K>, self: T, ...args: Parameters<MethodOf<T, K>>) => ReturnType<MethodOf<T, K>>,
): () => void {
  const original: unknown = obj[methodName];
  if (typeof original !== 'function') {
    throw new OneLoggerError(`Cannot patch ${String(methodName)}: it is not a method (got ${typeof original})`);
  }
  const ownDescriptor = Object.getOwnPropertyDescriptor(obj, methodName);
  const patched = function (this: T, ...args: Parameters<MethodOf<T, K>>): ReturnType<MethodOf<T, K>> {
    const bound = ((...a: unknown[]) => Reflect.apply(original, this, a)) as MethodOf<T, K>;
    return wrapper(bound, this, ...args);
  };
  copyIdentity(patched, original);
  Object.defineProperty(obj, methodName, {
    value: patched,
    writable: ownDescriptor?.writable ?? true,
    enumerable: ownDescriptor?.enumerable ?? false,
    configurable: true,
  });
  let patchedNow = true;
  return () => {
    if (!patchedNow) return;
    patchedNow = false;
    if (ownDescriptor) Object.defineProperty(obj, methodName, ownDescriptor);
    else delete (obj as Record<PropertyKey, unknown>)[methodName as PropertyKey];
  };
}

function copyIdentity(target: Function, source: Function): void {
  Object.defineProperty(target, 'name', { value: source.name, configurable: true });
  Object.defineProperty(target, 'length', { value: source.length, configurable: true });
}

/** True for promises and other thenables (a callback that may be sync or async returned one). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
  );
}

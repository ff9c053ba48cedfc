// Metric keys memoized by their parts. A key built afresh (~100-200 characters) costs about 1 µs per property
// access on a large metrics map (V8 flattens, hashes and looks it up in its string table); the same interned
// string reused costs ~40 ns.

/**
 * The interned copy of `s`: property names are interned, so this is the string V8 stores in the metrics map, and
 * lookups with it skip the string-table probe that a merely equal string pays on every access.
 */
export function internKey(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/** One node of the trie: children by part, and the value stored for the path ending here. */
export class KeyNode<V> {
  value: V | undefined = undefined;
  private children: Map<unknown, KeyNode<V>> | undefined = undefined;

  /** The child for `part` (created when missing). Parts are compared like Map keys. */
  child(part: unknown): KeyNode<V> {
    if (this.children === undefined) this.children = new Map();
    let node = this.children.get(part);
    if (node === undefined) {
      node = new KeyNode<V>();
      this.children.set(part, node);
    }
    return node;
  }
}

/** A bounded trie of values (keys or key sets) by their parts; it starts over once it holds `limit` values. */
export class KeyCache<V> {
  private rootNode = new KeyNode<V>();
  private count = 0;

  constructor(private readonly limit = 4096) {}

  root(): KeyNode<V> {
    return this.rootNode;
  }

  /** Stores `value` at `node` (a node reached from the current root) and returns it; string values are interned. */
  store(node: KeyNode<V>, value: V): V {
    if (typeof value === 'string') value = internKey(value) as V;
    if (this.count >= this.limit) {
      this.rootNode = new KeyNode<V>();
      this.count = 0;
      return value;
    }
    this.count++;
    node.value = value;
    return value;
  }
}

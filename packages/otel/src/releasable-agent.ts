import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

/** The code of the error that ends a request still open when the transport is released (not retryable). */
export const TRANSPORT_RELEASED_CODE = 'ERR_ONE_LOGGER_TRANSPORT_RELEASED';

interface Releasable {
  released: boolean;
  /** Sockets handed out by this agent and not yet closed, in use or idle. */
  readonly open: Set<Socket>;
}

/** The error that ends a request of a released transport. */
function releasedError(): Error {
  return Object.assign(new Error('the exporter was shut down while this request was open'), { code: TRANSPORT_RELEASED_CODE });
}

type CreateConnection = http.Agent['createConnection'];
type ConnectionCallback = (err: Error | null, socket?: Socket) => void;

/**
 * Opens a connection for the agent, or refuses it once the transport is released: a request made after the
 * release fails at once (the error is not a network error, so it is not retried).
 */
function connect(
  state: Releasable,
  open: () => ReturnType<CreateConnection>,
  args: Parameters<CreateConnection>,
): ReturnType<CreateConnection> {
  if (state.released) {
    const callback = args[1] as ConnectionCallback | undefined;
    if (typeof callback === 'function') {
      callback(releasedError());
      return undefined as unknown as ReturnType<CreateConnection>;
    }
  }
  const socket = open() as Socket | undefined | null;
  if (socket === undefined || socket === null) return socket as unknown as ReturnType<CreateConnection>;
  if (state.released) socket.unref();
  else {
    state.open.add(socket);
    socket.once('close', () => state.open.delete(socket));
  }
  return socket as unknown as ReturnType<CreateConnection>;
}

function release(state: Releasable): void {
  if (state.released) return;
  state.released = true;
  for (const socket of state.open) {
    const error = releasedError();
    // With an error whose code is not a network error, the transport fails the request instead of retrying it.
    socket.destroy(error);
  }
  state.open.clear();
}

/** A keep-alive HTTP agent whose sockets can all be ended at once. */
class ReleasableHttpAgent extends http.Agent {
  private readonly state: Releasable = { released: false, open: new Set() };

  override createConnection(...args: Parameters<CreateConnection>): ReturnType<CreateConnection> {
    return connect(this.state, () => super.createConnection(...args), args);
  }

  release(): void {
    release(this.state);
  }
}

/** The same for https. */
class ReleasableHttpsAgent extends https.Agent {
  private readonly state: Releasable = { released: false, open: new Set() };

  override createConnection(...args: Parameters<CreateConnection>): ReturnType<CreateConnection> {
    return connect(this.state, () => super.createConnection(...args), args);
  }

  release(): void {
    release(this.state);
  }
}

/**
 * The agent of one OTLP transport. `release()` ends every socket it opened (a request still waiting on a
 * collector that never answers fails at once, without a retry) and makes any later socket unable to keep the
 * process alive, so nothing of the transport outlives the exporter's shutdown.
 */
export class TransportAgent {
  private agent: ReleasableHttpAgent | ReleasableHttpsAgent | undefined;
  private released = false;

  /** The agent factory for the OTLP exporter's `httpAgentOptions` (called once, with the URL's protocol). */
  readonly factory = (protocol: string): http.Agent => {
    if (this.agent === undefined) {
      this.agent = protocol === 'https:' ? new ReleasableHttpsAgent({ keepAlive: true }) : new ReleasableHttpAgent({ keepAlive: true });
      if (this.released) this.agent.release();
    }
    return this.agent;
  };

  release(): void {
    this.released = true;
    this.agent?.release();
  }
}

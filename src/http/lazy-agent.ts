/**
 * The connector's own undici Agent, created (and undici loaded) on its first request. Loading undici
 * is a third of the start-up of a command that never sends, such as `switchboard render`, and a
 * connector is made before anyone knows whether it will send.
 */
import { createRequire } from 'node:module';
import type * as Undici from 'undici';
import type { Agent, Dispatcher } from 'undici';

/**
 * A dispatcher that makes `new Agent(options)` when it first dispatches. The connector only
 * dispatches through it and closes it, so those are the two things it does; closed before any
 * request, it loads nothing.
 */
export function lazyAgent(options: Agent.Options): Dispatcher {
  let agent: Agent | undefined;
  let closed = false;
  const get = (): Agent => {
    if (agent === undefined) {
      const undici = createRequire(import.meta.url)('undici') as typeof Undici;
      agent = new undici.Agent(options);
      // Closed before its first request: it refuses every request, as a closed Agent does.
      if (closed) void agent.close();
    }
    return agent;
  };
  const lazy: Pick<Dispatcher, 'dispatch'> & { close(): Promise<void>; destroy(): Promise<void> } = {
    dispatch: (dispatchOptions, handler) => get().dispatch(dispatchOptions, handler),
    close: async () => {
      closed = true;
      if (agent !== undefined) await agent.close();
    },
    destroy: async () => {
      closed = true;
      if (agent !== undefined) await agent.destroy();
    },
  };
  return lazy as Dispatcher;
}

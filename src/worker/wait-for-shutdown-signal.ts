import type { Logger } from "../logging/logger.js";

/**
 * Resolves on the first SIGTERM or SIGINT (graceful shutdown). A second signal exits at once.
 * Registering handlers also makes the process behave as PID 1 in a container, where signals
 * without a handler are ignored.
 */
export function waitForShutdownSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, "second signal: exiting now");
        logger.flush();
        process.exit(130);
      }
      received = true;
      logger.info({ signal }, "shutting down gracefully (send the signal again to exit at once)");
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

import { createTask } from "node-cron";

/** The next `count` times a cron expression fires after `now` in `timezone` (node-cron's view). */
export function nextFires(expression: string, timezone: string, count: number): Date[] {
  const task = createTask(expression, () => {}, { timezone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

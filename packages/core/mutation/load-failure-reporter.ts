import type { Reporter, TestModule } from 'vitest/node';

// The slice of vitest's raw task tree that Stryker's runner reads (`collectTestsFromSuite`).
type RawTask = {
  type: string;
  id: string;
  tasks?: RawTask[];
  result?: { state?: string; errors?: unknown[] };
};

function hasTest(task: RawTask): boolean {
  return task.type === 'test' || (task.tasks ?? []).some(hasTest);
}

/**
 * Gives each test file that failed without collecting a test one failed test carrying its load
 * error, so Stryker's vitest runner (which scores a mutant from tests only) counts it killed
 * (stryker-js#6150). A file that loaded is left untouched; `npm test` never uses this reporter.
 */
export class LoadFailureReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    for (const module of testModules) {
      // `task` is the raw tree vitest keeps in its state, which is what Stryker reads afterwards.
      const file = (module as unknown as { task: RawTask }).task;
      if (file.result?.state !== 'fail' || hasTest(file)) continue;
      const errors = file.result.errors ?? [{ message: 'test file failed to load' }];
      file.tasks ??= [];
      file.tasks.push({
        type: 'test',
        id: `${file.id}_load`,
        name: 'test file loads',
        mode: 'run',
        file,
        suite: file,
        meta: {},
        result: { state: 'fail', errors, duration: 0 },
      } as RawTask);
    }
  }
}

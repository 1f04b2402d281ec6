import { selectBackend, SYNCHRONOUS_READS, type BackendName } from '@hitcast/core/tf';
import { exportBundle } from './export.ts';

export interface ExportCommandOptions {
  run: string;
  out: string;
  artifacts: string;
  references: number;
  backend?: BackendName;
}

/** `hitcast export`: writes the bundle, checks it against its run's predictions, and prints what it holds. */
export async function runExportCommand(options: ExportCommandOptions): Promise<void> {
  await selectBackend(options.backend, { exclude: SYNCHRONOUS_READS });
  const result = await exportBundle({
    run: options.run,
    out: options.out,
    artifacts: options.artifacts,
    references: options.references,
    log: (line) => console.error(line),
  });
  const { manifest } = result;
  const test = manifest.testMetrics;
  console.log(
    `${options.run} → ${options.out}: ${manifest.kind} bundle, ${(result.bytes / 1e6).toFixed(2)} MB, ${manifest.references.length} reference songs reproduced within ${manifest.referenceTolerance} ` +
      `(worst |Δ| ${result.worstReferenceDifference.toExponential(1)}); test RMSE ${test.rmse.toFixed(2)} (mean baseline ${manifest.meanBaseline.rmse.toFixed(2)}) on ${test.count} songs`,
  );
}
